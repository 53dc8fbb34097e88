package dev.thaw.catalog;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The vetted diagnostics shipped with this thaw, read once from the class path. A file whose header
 * is wrong is left out with a warning (the catalog's tests make sure none ships).
 */
public final class Catalog {

    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);
    private static volatile Catalog system;

    private final Map<String, CatalogEntry> byId;

    Catalog(List<CatalogEntry> entries) {
        Map<String, CatalogEntry> map = new LinkedHashMap<>();
        for (CatalogEntry e : entries) {
            if (map.putIfAbsent(e.id(), e) != null) {
                LOG.warn("catalog: duplicate id {} ({}), the first one is kept", e.id(), e.path());
            }
        }
        this.byId = Collections.unmodifiableMap(map);
    }

    /** The catalog on thaw's own class path, loaded on first use. */
    public static Catalog system() {
        Catalog c = system;
        if (c == null) {
            synchronized (Catalog.class) {
                if (system == null) {
                    system = load(CatalogSources.system());
                }
                c = system;
            }
        }
        return c;
    }

    /** Every {@code .py} and {@code .java} file of the sources, in path order. */
    public static Catalog load(CatalogSources sources) {
        List<CatalogEntry> entries = new ArrayList<>();
        for (String path : sources.list()) {
            // The probe kit is a library the entries use, not an entry.
            if (!path.endsWith(".py") && !path.endsWith(".java") || path.startsWith("kit/")) {
                continue;
            }
            Optional<String> text = sources.read(path);
            if (text.isEmpty()) {
                LOG.warn("catalog: cannot read {}", path);
                continue;
            }
            try {
                entries.add(CatalogHeader.parse(path, text.get()));
            } catch (CatalogFormatException e) {
                LOG.warn("catalog: {} (left out)", e.getMessage());
            }
        }
        return new Catalog(entries);
    }

    public List<CatalogEntry> entries() {
        return List.copyOf(byId.values());
    }

    /** Entries of one runtime ({@code cpython}, {@code hotspot}), or all for null / {@code any}. */
    public List<CatalogEntry> entries(String runtime) {
        if (runtime == null || runtime.equals("any")) {
            return entries();
        }
        return byId.values().stream().filter(e -> e.runtime().equals(runtime)).toList();
    }

    public Optional<CatalogEntry> find(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id.trim().toLowerCase(Locale.ROOT)));
    }

    /** The entry, or a refusal that lists what exists for the same runtime. */
    public CatalogEntry require(String id) {
        return find(id).orElseThrow(() -> new ThawException(ErrorCode.UNKNOWN_DIAGNOSTIC,
                "There is no catalog diagnostic \"" + id + "\".",
                "Call list_diagnostics to see the entries; ids: " + String.join(", ", byId.keySet()) + "."));
    }
}
