package dev.thaw.mcp.tools;

import dev.thaw.catalog.Catalog;
import dev.thaw.catalog.DiagnosticList;
import dev.thaw.catalog.DiagnosticListText;
import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolDefinitions;
import dev.thaw.mcp.ToolOutcome;
import dev.thaw.mcp.view.DiagnosticsModel;
import dev.thaw.mcp.view.ViewMap;
import dev.thaw.proc.ProcFs;
import dev.thaw.process.ProcessLister;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.function.Supplier;

/** {@code list_diagnostics}: the vetted catalog entries, to run with inject_script's {@code diagnostic}. */
public final class ListDiagnosticsTool implements ThawTool {

    private final Supplier<Catalog> catalog;
    private final ProcessLister lister;

    private final ProcFs proc;

    /** The catalog is read on the first call, not at server start. */
    public ListDiagnosticsTool(Supplier<Catalog> catalog, ProcessLister lister) {
        this(catalog, lister, ProcFs.system());
    }

    public ListDiagnosticsTool(Supplier<Catalog> catalog, ProcessLister lister, ProcFs proc) {
        this.catalog = catalog;
        this.lister = lister;
        this.proc = proc;
    }

    @Override
    public McpSchema.Tool definition() {
        return ToolDefinitions.readOnly("list_diagnostics", "List catalog diagnostics",
                "thaw's vetted diagnostics (Python scripts, Java probes): id, question, needs; with pid only those "
                        + "that apply. id: one entry in full (params, cost, source). Run with inject_script {pid, diagnostic, "
                        + "params}; reviewed and allowed by default: prefer them to custom code.");
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        Catalog all = catalog.get();
        String id = args.optionalString("id", null);
        if (id != null) {
            ViewMap one = DiagnosticsModel.entry(DiagnosticList.Item.of(all.require(id)));
            return new ToolOutcome(one, DiagnosticsModel.entryText(one), "diagnostic " + id, one);
        }
        DiagnosticList list = args.has("pid")
                ? DiagnosticList.forProcess(all, lister, proc, args.requireInt("pid"))
                : DiagnosticList.of(all, args.optionalString("runtime", "any"));
        ViewMap view = DiagnosticsModel.list(list, args.optionalBoolean("full", false));
        return new ToolOutcome(list, DiagnosticsModel.text(view), DiagnosticListText.summary(list), view);
    }
}
