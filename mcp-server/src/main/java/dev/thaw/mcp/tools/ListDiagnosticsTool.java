package dev.thaw.mcp.tools;

import dev.thaw.ThawException;
import dev.thaw.catalog.Catalog;
import dev.thaw.catalog.DiagnosticList;
import dev.thaw.catalog.DiagnosticListText;
import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolDefinitions;
import dev.thaw.mcp.ToolOutcome;
import dev.thaw.process.ProcessLister;
import dev.thaw.process.RuntimeInfo;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.function.Supplier;

/** {@code list_diagnostics}: the vetted catalog entries, to run with inject_script's {@code diagnostic}. */
public final class ListDiagnosticsTool implements ThawTool {

    private final Supplier<Catalog> catalog;
    private final ProcessLister lister;

    /** The catalog is read on the first call, not at server start. */
    public ListDiagnosticsTool(Supplier<Catalog> catalog, ProcessLister lister) {
        this.catalog = catalog;
        this.lister = lister;
    }

    @Override
    public McpSchema.Tool definition() {
        return ToolDefinitions.readOnly("list_diagnostics", "List catalog diagnostics",
                "The vetted diagnostics thaw ships: Python scripts (thread stacks with locals, gevent greenlets, asyncio "
                        + "tasks, thread pools, futures, lock waiters, gc, tracemalloc, fds) and Java probes (deadlocks with "
                        + "the most-blocking lock, executors, class histogram, virtual threads). Each names the question it "
                        + "answers, its params schema, whether it changes the target and its cost. Run one with "
                        + "inject_script {pid, diagnostic, params}; read its source first at the resource URI given. "
                        + "Prefer these over custom code: they are reviewed, bounded, and run without asking under the "
                        + "default approval policy.");
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        String runtime = args.optionalString("runtime", "any");
        if (args.has("pid")) {
            int pid = args.requireInt("pid");
            runtime = lister.describe(pid).runtime().kind();
            if (RuntimeInfo.NONE.equals(runtime)) {
                throw new ThawException("unsupported_runtime", "Process " + pid + " is not a CPython or HotSpot process "
                        + "thaw recognizes, so no diagnostic fits it.",
                        "Check the pid with list_processes (its reason column says why), or call list_diagnostics without pid.");
            }
        }
        DiagnosticList list = DiagnosticList.of(catalog.get(), runtime);
        return new ToolOutcome(list, DiagnosticListText.render(list), DiagnosticListText.summary(list));
    }
}
