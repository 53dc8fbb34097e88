package dev.thaw.mcp.tools;

import dev.thaw.jvm.diag.JvmDiagnostic;
import dev.thaw.jvm.diag.JvmDiagnostics;
import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolDefinitions;
import dev.thaw.mcp.ToolOutcome;
import dev.thaw.mcp.view.JvmDiagnosticModel;
import dev.thaw.mcp.view.ViewMap;
import io.modelcontextprotocol.spec.McpSchema;

/** {@code jvm_diagnostic}: rung 2 for JVMs — ask the runtime, with no code entering the target. */
public final class JvmDiagnosticTool implements ThawTool {

    private final JvmDiagnostics diagnostics;

    public JvmDiagnosticTool(JvmDiagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    @Override
    public McpSchema.Tool definition() {
        return ToolDefinitions.readOnly("jvm_diagnostic", "JVM diagnostic",
                "One agent-less jcmd command in a HotSpot JVM over its attach socket (no code enters it; works when every "
                        + "thread is deadlocked): class_histogram (heap by class, top N by bytes; no GC unless live=true, "
                        + "which forces a full stop-the-world GC), system_properties, vm_flags (non-default), vm_info (long), "
                        + "heap_info.");
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        JvmDiagnostic d = diagnostics.run(args.requireInt("pid"), args.optionalString("command", null),
                args.optionalBoolean("live", false), args.optionalInt("top", null));
        String summary = "JVM " + d.pid() + " " + d.command() + (d.forcedGc() ? " (forced full GC)" : "")
                + " in " + d.elapsedMs() + " ms";
        ViewMap view = JvmDiagnosticModel.of(d);
        return new ToolOutcome(d, JvmDiagnosticModel.text(view), summary, view);
    }
}
