package dev.thaw.mcp;

import dev.thaw.BuildInfo;
import dev.thaw.Services;
import dev.thaw.mcp.tools.DoctorTool;
import dev.thaw.mcp.tools.InjectScriptTool;
import dev.thaw.mcp.tools.ListProcessesTool;
import dev.thaw.mcp.tools.ReadOutputTool;
import dev.thaw.session.SessionLog;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds and starts the MCP server over stdio: name {@code thaw}, the build's version, thaw's tools. */
public final class ThawServer {

    private static final Logger LOG = LoggerFactory.getLogger(ThawServer.class);

    static final String INSTRUCTIONS = """
            thaw looks inside live, possibly frozen, Python 3.14+ and JVM processes on Linux.
            Escalation ladder: 1) list_processes to find the pid; 2) doctor PID when something is refused;
            3) look without touching (snapshot) before 4) injecting anything. Every call is recorded in a
            session log a person can replay.""";

    private ThawServer() {
    }

    /** Starts serving; returns at once (the SDK's non-daemon reader thread keeps the JVM alive until stdin ends). */
    public static McpSyncServer start(Services services, InputStream in, OutputStream protocolOut) {
        SessionLog log = SessionLog.create();
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("server", "thaw");
        start.put("version", BuildInfo.version());
        start.put("pid", ProcessHandle.current().pid());
        start.put("java", Runtime.version().toString());
        log.append("session_start", start);
        LOG.info("thaw {} serving MCP over stdio; session log {}", BuildInfo.version(), log.file());
        Runtime.getRuntime().addShutdownHook(new Thread(log::close, "thaw-session-log-close"));

        ToolDispatcher dispatcher = new ToolDispatcher(log);
        List<ThawTool> tools = tools(services);
        var transport = new StdioServerTransportProvider(McpJsonDefaults.getMapper(), in, protocolOut);
        return McpServer.sync(transport)
                .serverInfo("thaw", BuildInfo.version())
                .instructions(INSTRUCTIONS)
                .requestTimeout(Duration.ofMinutes(5))
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).logging().build())
                .tools(tools.stream().map(dispatcher::specification).toList())
                .build();
    }

    static List<ThawTool> tools(Services services) {
        return List.of(new ListProcessesTool(services.lister()), new DoctorTool(services.doctor()),
                new InjectScriptTool(services.injections()), new ReadOutputTool(services.injections()));
    }
}
