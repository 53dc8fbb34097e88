package dev.thaw.mcp.wiring;

import dev.thaw.BuildInfo;
import dev.thaw.app.Services;
import dev.thaw.catalog.Catalog;
import dev.thaw.jvm.diag.JvmDiagnostics;
import dev.thaw.mcp.PromptNameErrors;
import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolDispatcher;
import dev.thaw.mcp.ValidatedStdin;
import dev.thaw.mcp.tools.DoctorTool;
import dev.thaw.mcp.tools.InjectScriptTool;
import dev.thaw.mcp.tools.JvmDiagnosticTool;
import dev.thaw.mcp.tools.ListDiagnosticsTool;
import dev.thaw.mcp.tools.ListProcessesTool;
import dev.thaw.mcp.tools.ReadOutputTool;
import dev.thaw.mcp.tools.SnapshotTool;
import dev.thaw.session.approval.ApprovalSettings;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Builds and starts the MCP server over stdio: name {@code thaw}, the build's version, thaw's tools. */
public final class ThawServer {

    private static final Logger LOG = LoggerFactory.getLogger(ThawServer.class);

    static final String INSTRUCTIONS = """
            thaw looks inside live, possibly frozen, Python 3.14+ and JVM processes on Linux.
            Escalation ladder: 1) list_processes to find the pid; 2) doctor PID when something is refused;
            3) look without touching (snapshot) before 4) injecting anything. Every call is recorded in a
            session log a person can replay. For a hang, the diagnose_hang prompt (pid) gives the full playbook.""";

    private ThawServer() {
    }

    /** Starts serving; returns at once (the SDK's non-daemon reader thread keeps the JVM alive until stdin ends). */
    public static McpSyncServer start(Services services, InputStream in, OutputStream protocolOut,
                                      ApprovalSettings approval) {
        // --- session (dev.thaw.session owner): log, approvals, note, resources, prompt ---
        SessionSurface session = SessionSurface.open(services, approval);
        LOG.info("thaw {} serving MCP over stdio; session log {}; approval policy {}", BuildInfo.version(),
                session.recorder().log().file(), approval.policy());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> session.close("shutdown"), "thaw-session-log-close"));
        McpJsonMapper json = McpJsonDefaults.getMapper();
        // The SDK's transport ends the session at the first line that is no JSON-RPC message; such
        // lines are answered with their JSON-RPC error and never reach it. The tools are registered
        // after the server can answer the handshake, and every request but initialize waits for them.
        CompletableFuture<Void> toolsReady = new CompletableFuture<>();
        var stdin = new ValidatedStdin(in, protocolOut, json).holdUntil(toolsReady);
        var transport = new StdioServerTransportProvider(json, stdin, protocolOut);
        McpSyncServer server = McpServer.sync(PromptNameErrors.around(transport,
                        session.prompts().stream().map(p -> p.prompt().name()).toList()))
                .serverInfo("thaw", BuildInfo.version())
                .instructions(INSTRUCTIONS)
                // Server-to-client requests include elicitations, which wait for a person.
                .requestTimeout(approval.elicitationTimeout())
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).prompts(false)
                        .logging().build())
                .resources(session.resources())
                .resourceTemplates(session.resourceTemplates())
                .prompts(session.prompts())
                .build();
        Thread registration = new Thread(() -> registerTools(services, session, approval, server, toolsReady),
                "thaw-tool-registration");
        registration.setDaemon(true);
        registration.start();
        return server;
    }

    /**
     * Wires the injection engine to the session and registers the tools: their definitions, schemas
     * (which the SDK compiles and checks) and the injection engine cost about as much as everything
     * before the initialize reply, so they are built while the client reads that reply.
     */
    private static void registerTools(Services services, SessionSurface session, ApprovalSettings approval,
                                      McpSyncServer server, CompletableFuture<Void> ready) {
        try {
            // The injection engine reports to the session log and asks the session's approval policy.
            SessionInjectionBridge bridge = new SessionInjectionBridge(session.recorder(), session.approvals().gate(),
                    approval.elicitationTimeout(), services.proc());
            services.injections().setListener(bridge);
            services.injections().setApprovalGate(bridge);
            ToolDispatcher dispatcher = new ToolDispatcher(session.recorder());
            List<ThawTool> tools = new ArrayList<>(tools(services));
            tools.addAll(session.tools());
            for (ThawTool tool : tools) {
                server.addTool(dispatcher.specification(tool));
            }
            ready.complete(null);
        } catch (Throwable e) {
            // A tool that cannot be defined is a build defect: fail as a server that cannot start would.
            LOG.error("thaw cannot register its tools; exiting", e);
            ready.completeExceptionally(e);
            System.exit(70);
        }
    }

    static List<ThawTool> tools(Services services) {
        return List.of(new ListProcessesTool(services.lister()), new DoctorTool(services.doctor()),
                new SnapshotTool(services.snapshots()), new JvmDiagnosticTool(new JvmDiagnostics(services.attach())),
                new ListDiagnosticsTool(Catalog::system, services.lister()),
                new InjectScriptTool(services.injections()), new ReadOutputTool(services.injections()));
    }
}
