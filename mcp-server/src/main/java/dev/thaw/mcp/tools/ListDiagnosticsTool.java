package dev.thaw.mcp.tools;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.catalog.Catalog;
import dev.thaw.catalog.CatalogEntry;
import dev.thaw.catalog.DiagnosticList;
import dev.thaw.catalog.DiagnosticListText;
import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolDefinitions;
import dev.thaw.mcp.ToolOutcome;
import dev.thaw.mcp.view.DiagnosticsModel;
import dev.thaw.mcp.view.Requirements;
import dev.thaw.mcp.view.ViewMap;
import dev.thaw.proc.ProcFs;
import dev.thaw.process.ProcessLister;
import dev.thaw.process.RuntimeInfo;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
            CatalogEntry e = all.require(id);
            ViewMap one = DiagnosticsModel.entry(e);
            return new ToolOutcome(one, DiagnosticsModel.text(Map.of("count", 1, "run", RUN, "entries", List.of(one))),
                    "diagnostic " + e.id(), one);
        }
        String runtime = args.optionalString("runtime", "any");
        Integer pid = null;
        Requirements requirements = null;
        if (args.has("pid")) {
            pid = args.requireInt("pid");
            RuntimeInfo info = lister.describe(pid).runtime();
            runtime = info.kind();
            if (RuntimeInfo.NONE.equals(runtime)) {
                throw new ThawException(ErrorCode.UNSUPPORTED_RUNTIME, "Process " + pid + " is not a CPython or HotSpot process "
                        + "thaw recognizes, so no diagnostic fits it.",
                        "Check the pid with list_processes (its reason column says why), or call list_diagnostics without pid.");
            }
            requirements = Requirements.of(proc, pid, info);
        }
        DiagnosticList list = DiagnosticList.of(all, runtime);
        List<CatalogEntry> shown = new ArrayList<>();
        List<String> hidden = new ArrayList<>();
        for (CatalogEntry e : all.entries(runtime)) {
            if (requirements == null || requirements.applies(e.requires())) {
                shown.add(e);
            } else {
                hidden.add(e.id() + " (needs " + e.requires() + ")");
            }
        }
        ViewMap view = DiagnosticsModel.list(runtime, pid, shown, hidden, args.optionalBoolean("full", false));
        return new ToolOutcome(list, DiagnosticsModel.text(view), DiagnosticListText.summary(list), view);
    }

    private static final String RUN = "inject_script {pid, diagnostic: ID, params}";
}
