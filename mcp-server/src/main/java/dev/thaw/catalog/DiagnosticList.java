package dev.thaw.catalog;

import java.util.List;
import java.util.Map;

/**
 * The answer of {@code list_diagnostics} / {@code thaw diagnostics}: the catalog entries of one runtime
 * (or all), without their sources, which are served as resources.
 *
 * @param runtime the runtime asked for ({@code cpython}, {@code hotspot}, {@code any})
 * @param count   entries listed
 * @param entries the entries, in catalog order
 */
public record DiagnosticList(String runtime, int count, List<Item> entries) {

    /** One entry as a caller needs it to choose and call it. */
    public record Item(String id, String runtime, String title, String question, Map<String, Object> params,
                       boolean mutating, String cost, String requires, double timeoutS, String resource) {
    }

    public static DiagnosticList of(Catalog catalog, String runtime) {
        List<Item> items = catalog.entries(runtime).stream()
                .map(e -> new Item(e.id(), e.runtime(), e.title(), e.question(), e.params(), e.mutating(), e.cost(),
                        e.requires(), e.timeoutS(), e.resourceUri()))
                .toList();
        return new DiagnosticList(runtime == null ? "any" : runtime, items.size(), items);
    }
}
