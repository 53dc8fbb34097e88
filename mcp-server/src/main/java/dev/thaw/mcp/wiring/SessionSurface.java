package dev.thaw.mcp.wiring;

import dev.thaw.BuildInfo;
import dev.thaw.catalog.CatalogSources;
import dev.thaw.app.Services;
import dev.thaw.mcp.DiagnosePrompt;
import dev.thaw.mcp.McpApprovals;
import dev.thaw.mcp.SessionResources;
import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolExtension;
import dev.thaw.mcp.tools.NoteTool;
import dev.thaw.session.SessionLog;
import dev.thaw.session.SessionRecorder;
import dev.thaw.session.approval.ApprovalSettings;
import dev.thaw.session.approval.InjectionGate;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Everything of the MCP server that belongs to the session: its log and recorder, the approval gate,
 * the {@code note} tool, the resources and the {@code diagnose_hang} prompt. ThawServer registers
 * what this hands out; one instance per server run.
 */
public final class SessionSurface {

    private static final Logger LOG = LoggerFactory.getLogger(SessionSurface.class);

    private final Services services;
    private final ApprovalSettings settings;
    private final SessionRecorder recorder;
    private final McpApprovals approvals;
    private final SessionResources resources;

    private SessionSurface(Services services, ApprovalSettings settings, SessionRecorder recorder) {
        this.services = services;
        this.settings = settings;
        this.recorder = recorder;
        this.approvals = new McpApprovals(new InjectionGate(settings.policy(), recorder), settings.elicitationTimeout());
        this.resources = new SessionResources(recorder, CatalogSources.system());
    }

    /** Opens a new session log; session_start is written on the first request, when the client is known. */
    public static SessionSurface open(Services services, ApprovalSettings settings) {
        SessionLog log = SessionLog.create();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("server", "thaw");
        facts.put("version", BuildInfo.version());
        facts.put("pid", ProcessHandle.current().pid());
        facts.put("java", Runtime.version().toString());
        facts.put("policy", settings.policy().cliName());
        facts.put("elicitationTimeout", settings.elicitationTimeout().toString());
        return new SessionSurface(services, settings, new SessionRecorder(log, facts));
    }

    public SessionRecorder recorder() {
        return recorder;
    }

    public McpApprovals approvals() {
        return approvals;
    }

    public ApprovalSettings settings() {
        return settings;
    }

    /** {@code note}, plus tools of {@link ToolExtension}s on the class path. */
    public List<ThawTool> tools() {
        List<ThawTool> tools = new ArrayList<>();
        tools.add(new NoteTool(recorder));
        for (ToolExtension ext : ServiceLoader.load(ToolExtension.class, SessionSurface.class.getClassLoader())) {
            List<ThawTool> extra = ext.tools(new ToolExtension.Context(services, recorder, approvals));
            LOG.info("tool extension {} adds {}", ext.getClass().getName(),
                    extra.stream().map(t -> t.definition().name()).toList());
            tools.addAll(extra);
        }
        return tools;
    }

    public List<SyncResourceSpecification> resources() {
        return resources.resources();
    }

    public List<SyncResourceTemplateSpecification> resourceTemplates() {
        return resources.templates();
    }

    public List<SyncPromptSpecification> prompts() {
        return List.of(new DiagnosePrompt(services.lister(), settings.policy(), recorder).specification());
    }

    /** Writes session_end and closes the log (shutdown hook). */
    public void close(String reason) {
        recorder.end(reason);
    }
}
