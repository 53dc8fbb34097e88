package dev.thaw.mcp.view;

import dev.thaw.Json;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The text of a snapshot for clients that read text, rendered from the same {@link SnapshotModel}
 * view the model receives as structured content, so both say the same facts. Keys it has no layout
 * for are printed as {@code key: value}: a fact added to the view is never only in one of them.
 */
public final class SnapshotModelText {

    /** Group keys printed on the group's header line, in this order. */
    private static final List<String> HEADER = List.of("threads", "activity", "state", "status", "kernel", "stuck",
            "main", "holdsGil", "deadlocked", "virtual", "daemon", "tid", "tids", "name", "names");
    private static final Set<String> LAID_OUT = Set.of("rank", "why", "waitsOn", "owner", "holds", "note", "differ",
            "differMore", "frames");

    private static final Set<String> TOP_LAID_OUT = Set.of("runtime", "pid", "threads", "matching", "threadFilter",
            "samples", "intervalMs", "takenAt", "page", "findings", "notes", "deadlocks", "mostWaitedOn",
            "virtualThreads", "groups", "idle", "jvmHousekeepingThreads", "more");

    private SnapshotModelText() {
    }

    public static String render(Map<String, Object> v) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append(v.get("runtime")).append(" pid ").append(v.get("pid")).append(": ").append(v.get("threads"))
                .append(" threads");
        if (v.containsKey("matching")) {
            sb.append(", ").append(v.get("matching")).append(" matching \"").append(v.get("threadFilter")).append('"');
        }
        if (v.containsKey("samples")) {
            sb.append(", ").append(v.get("samples")).append(" samples ").append(v.get("intervalMs")).append(" ms apart");
        }
        sb.append(" (").append(v.get("takenAt")).append(")\n");
        if (v.containsKey("page")) {
            sb.append("page: ").append(v.get("page")).append('\n');
        }
        List<Map<String, Object>> findings = maps(v.get("findings"));
        if (!findings.isEmpty()) {
            // The same header the CLI's rendering leads with: what the snapshot means comes first.
            sb.append("FINDINGS:\n");
        }
        for (Map<String, Object> f : findings) {
            finding(sb, f);
        }
        for (Object n : list(v.get("notes"))) {
            sb.append("note: ").append(n).append('\n');
        }
        for (Map<String, Object> d : maps(v.get("deadlocks"))) {
            sb.append("DEADLOCK (tids ").append(d.get("tids")).append("):\n");
            for (Object e : list(d.get("edges"))) {
                sb.append("    ").append(e).append('\n');
            }
        }
        if (v.containsKey("mostWaitedOn")) {
            sb.append("most waited-on: ").append(v.get("mostWaitedOn")).append('\n');
        }
        if (v.containsKey("virtualThreads")) {
            sb.append("virtual threads: ").append(v.get("virtualThreads")).append(" (included in the stacks)\n");
        }
        for (Map<String, Object> g : maps(v.get("groups"))) {
            group(sb, g);
        }
        List<Object> idle = list(v.get("idle"));
        if (!idle.isEmpty()) {
            sb.append("idle:\n");
            for (Object line : idle) {
                sb.append("    ").append(line).append('\n');
            }
        }
        if (v.containsKey("jvmHousekeepingThreads")) {
            sb.append("JVM housekeeping threads (Reference Handler, Finalizer, compiler, GC, ...): ")
                    .append(v.get("jvmHousekeepingThreads")).append('\n');
        }
        for (Map.Entry<String, Object> e : v.entrySet()) {
            if (!TOP_LAID_OUT.contains(e.getKey())) {
                sb.append(e.getKey()).append(": ").append(joined(e.getValue())).append('\n');
            }
        }
        if (v.get("more") instanceof Map<?, ?> more) {
            sb.append("… ").append(more.get("stacks")).append(" more stacks (").append(more.get("threads"))
                    .append(" threads): call snapshot with cursor \"").append(more.get("cursor")).append("\"\n");
        }
        return sb.toString();
    }

    private static void finding(StringBuilder sb, Map<String, Object> f) {
        sb.append("* finding");
        if (f.containsKey("confidence")) {
            sb.append(" [").append(f.get("confidence")).append(" confidence]");
        }
        sb.append(' ').append(f.get("kind")).append(": ").append(f.get("summary")).append('\n');
        for (Map.Entry<String, Object> e : f.entrySet()) {
            switch (e.getKey()) {
                case "kind", "summary", "confidence" -> { }
                case "next" -> {
                    for (Map<String, Object> call : maps(e.getValue())) {
                        sb.append("    next: ").append(call.get("tool")).append(' ')
                                .append(Json.write(call.getOrDefault("arguments", Map.of())));
                        if (call.containsKey("why")) {
                            sb.append(" — ").append(call.get("why"));
                        }
                        sb.append('\n');
                    }
                }
                default -> sb.append("    ").append(e.getKey()).append(": ").append(joined(e.getValue())).append('\n');
            }
        }
    }

    private static void group(StringBuilder sb, Map<String, Object> g) {
        sb.append('[').append(g.get("rank")).append("] ");
        boolean first = true;
        for (String k : HEADER) {
            Object value = g.get(k);
            if (value == null) {
                continue;
            }
            sb.append(first ? "" : " · ");
            first = false;
            switch (k) {
                case "threads" -> sb.append(value).append(Integer.valueOf(1).equals(value) ? " thread" : " threads");
                case "tid" -> sb.append("tid ").append(value);
                case "tids" -> sb.append("tids ").append(value);
                case "name" -> sb.append('"').append(value).append('"');
                case "names" -> sb.append(joined(value));
                default -> sb.append(Boolean.TRUE.equals(value) ? k : value);
            }
        }
        sb.append('\n');
        if (g.containsKey("why")) {
            sb.append("    why: ").append(joined(g.get("why"))).append('\n');
        }
        if (g.containsKey("waitsOn")) {
            sb.append("    waits on ").append(g.get("waitsOn"));
            if (g.containsKey("owner")) {
                sb.append(" held by tid ").append(g.get("owner"));
            }
            sb.append('\n');
        } else if (g.containsKey("owner")) {
            sb.append("    waits for tid ").append(g.get("owner")).append('\n');
        }
        if (g.containsKey("holds")) {
            sb.append(g.get("threads") instanceof Number n && n.intValue() > 1 ? "    each holds " : "    holds ")
                    .append(joined(g.get("holds"))).append('\n');
        }
        if (g.containsKey("note")) {
            sb.append("    note: ").append(g.get("note")).append('\n');
        }
        for (Map.Entry<String, Object> e : g.entrySet()) {
            if (!HEADER.contains(e.getKey()) && !LAID_OUT.contains(e.getKey())) {
                sb.append("    ").append(e.getKey()).append(": ").append(joined(e.getValue())).append('\n');
            }
        }
        for (Map<String, Object> d : maps(g.get("differ"))) {
            sb.append("    differs: tid ").append(d.get("tid"));
            if (d.containsKey("name")) {
                sb.append(" \"").append(d.get("name")).append('"');
            }
            for (Map.Entry<String, Object> e : d.entrySet()) {
                if (!e.getKey().equals("tid") && !e.getKey().equals("name")) {
                    sb.append(", ").append(e.getKey()).append(' ').append(joined(e.getValue()));
                }
            }
            sb.append('\n');
        }
        if (g.containsKey("differMore")) {
            sb.append("    … ").append(g.get("differMore")).append('\n');
        }
        for (Object f : list(g.get("frames"))) {
            sb.append("    ").append(f).append('\n');
        }
    }

    static String joined(Object value) {
        if (value instanceof List<?> l) {
            StringBuilder sb = new StringBuilder();
            for (Object o : l) {
                sb.append(sb.isEmpty() ? "" : "; ").append(o instanceof Map<?, ?> ? Json.write(o) : o);
            }
            return sb.toString();
        }
        return value instanceof Map<?, ?> ? Json.write(value) : String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object value) {
        return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
