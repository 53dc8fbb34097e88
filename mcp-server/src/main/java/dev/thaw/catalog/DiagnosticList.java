package dev.thaw.catalog;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.process.ProcessLister;
import dev.thaw.process.RuntimeInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code list_diagnostics} / {@code thaw diagnostics}: the catalog entries of one runtime
 * (or all), without their sources, which are served as resources; for a process, only the entries that
 * apply to it ({@link Requirements}), the others named in {@code notApplicable}.
 *
 * @param runtime       the runtime asked for ({@code cpython}, {@code hotspot}, {@code any}), or the process's
 * @param pid           the process the list is for, or null
 * @param count         entries listed
 * @param entries       the entries, in catalog order
 * @param notApplicable entries left out because the process lacks what they need, as "id (needs X)"
 */
public record DiagnosticList(String runtime, Integer pid, int count, List<Item> entries, List<String> notApplicable) {

    /** How an entry is run: the one hint every listing (MCP and CLI) gives. */
    public static final String RUN = "inject_script {pid, diagnostic: ID, params}";

    /** One entry as a caller needs it to choose and call it. */
    public record Item(String id, String runtime, String title, String question, Map<String, Object> params,
                       boolean mutating, String cost, String requires, double timeoutS, String resource) {

        public static Item of(CatalogEntry e) {
            return new Item(e.id(), e.runtime(), e.title(), e.question(), e.params(), e.mutating(), e.cost(),
                    e.requires(), e.timeoutS(), e.resourceUri());
        }
    }

    /** Every entry of a runtime ({@code any}: all). */
    public static DiagnosticList of(Catalog catalog, String runtime) {
        List<Item> items = catalog.entries(runtime).stream().map(Item::of).toList();
        return new DiagnosticList(runtime == null ? "any" : runtime, null, items.size(), items, List.of());
    }

    /** The entries for one process: its runtime's, those whose {@code requires} it meets. */
    public static DiagnosticList forProcess(Catalog catalog, ProcessLister lister, ProcFs proc, int pid) {
        RuntimeInfo info = lister.describe(pid).runtime();
        String runtime = info.kind();
        if (RuntimeInfo.NONE.equals(runtime)) {
            throw new ThawException(ErrorCode.UNSUPPORTED_RUNTIME, "Process " + pid + " is not a CPython or HotSpot process "
                    + "thaw recognizes, so no diagnostic fits it.",
                    "Check the pid with list_processes (its reason column says why), or list the diagnostics without a pid.");
        }
        Requirements requirements = Requirements.of(proc, pid, info);
        List<Item> shown = new ArrayList<>();
        List<String> hidden = new ArrayList<>();
        for (CatalogEntry e : catalog.entries(runtime)) {
            if (requirements.applies(e.requires())) {
                shown.add(Item.of(e));
            } else {
                hidden.add(e.id() + " (needs " + e.requires() + ")");
            }
        }
        return new DiagnosticList(runtime, pid, shown.size(), List.copyOf(shown), List.copyOf(hidden));
    }
}
