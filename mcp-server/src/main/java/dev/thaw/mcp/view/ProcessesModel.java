package dev.thaw.mcp.view;

import dev.thaw.Json;
import dev.thaw.process.DoctorReport;
import dev.thaw.process.ProcessInfo;
import dev.thaw.process.ProcessListView;

import java.util.List;
import java.util.Map;

/**
 * {@code list_processes} and {@code doctor} as a model reads them: per process what tells it apart and
 * whether thaw can look inside (the parent pid, for a forked child's relation; no uid beside the user
 * name, no start time, which only the session log needs to tell a reused pid), counts only when not
 * zero, and the same facts as text.
 */
public final class ProcessesModel {

    private ProcessesModel() {
    }

    public static ViewMap list(ProcessListView v) {
        ViewMap m = new ViewMap();
        // Always there, empty too: "no process matched" is an answer.
        m.put("processes", v.processes().stream().map(ProcessesModel::process).toList());
        return m.with("total", v.total()).count("omitted", v.omitted()).with("scanned", v.scanned())
                .with("hint", v.hint());
    }

    public static ViewMap process(ProcessInfo p) {
        ViewMap m = new ViewMap().with("pid", p.pid()).with("ppid", p.ppid()).with("user", p.user())
                .with("runtime", runtime(p)).with("command", p.command());
        m.put("attachable", p.attachable());
        return m.with("reason", p.attachable() ? null : p.reason())
                .with("container", p.container() == null ? null : p.container().summary());
    }

    /** The runtime's facts; "none" is a derived getter of RuntimeInfo, not a fact of its own. */
    private static Map<String, Object> runtime(ProcessInfo p) {
        Map<String, Object> r = ViewMap.pruned(Json.toMap(p.runtime()));
        r.remove("none");
        return r;
    }

    public static String listText(Map<String, Object> v) {
        StringBuilder sb = new StringBuilder();
        List<Map<String, Object>> ps = SnapshotModelText.maps(v.get("processes"));
        if (ps.isEmpty()) {
            sb.append("No matching processes (").append(v.get("scanned")).append(" scanned). By default only Python "
                    + "and JVM processes are listed; pass runtime=all for every process.\n");
            if (v.containsKey("hint")) {
                sb.append(v.get("hint")).append('\n');
            }
            return sb.toString();
        }
        sb.append(v.get("total")).append(" processes (").append(v.get("scanned")).append(" scanned):\n");
        for (Map<String, Object> p : ps) {
            process(sb, p);
        }
        if (v.containsKey("omitted")) {
            sb.append("… ").append(v.get("omitted")).append(" more not shown; narrow with match, user or runtime, or raise limit.\n");
        }
        return sb.toString();
    }

    static void process(StringBuilder sb, Map<String, Object> p) {
        sb.append("pid ").append(p.get("pid")).append(" (ppid ").append(p.get("ppid")).append(") ").append(p.get("user"))
                .append(" · ").append(runtime(p.get("runtime"))).append(" · ")
                .append(Boolean.TRUE.equals(p.get("attachable")) ? "attachable" : "not attachable")
                .append(" · ").append(p.get("command")).append('\n');
        if (p.containsKey("reason")) {
            sb.append("    reason: ").append(p.get("reason")).append('\n');
        }
        if (p.containsKey("container")) {
            sb.append("    container: ").append(p.get("container")).append('\n');
        }
    }

    private static String runtime(Object r) {
        if (!(r instanceof Map<?, ?> m)) {
            return "-";
        }
        return m.get("kind") + (m.get("version") == null ? "" : " " + m.get("version"))
                + (Boolean.TRUE.equals(m.get("freeThreaded")) ? " freeThreaded" : "")
                + (m.get("detail") == null ? "" : " (" + m.get("detail") + ")");
    }

    /** doctor: the verdict first, what can work, then every check (a failing one with its fix). */
    public static ViewMap doctor(DoctorReport r) {
        ViewMap v = new ViewMap().with("verdict", r.verdict());
        if (r.canSnapshot() != null) {
            v.put("canSnapshot", r.canSnapshot());
        }
        if (r.canInject() != null) {
            v.put("canInject", r.canInject());
        }
        return v.with("target", r.target() == null ? null : process(r.target()))
                .with("environment", ViewMap.pruned(Json.mapper().convertValue(r.environment(), List.class)))
                .with("targetChecks", r.targetChecks() == null ? null
                        : ViewMap.pruned(Json.mapper().convertValue(r.targetChecks(), List.class)));
    }

    public static String doctorText(Map<String, Object> v) {
        StringBuilder sb = new StringBuilder();
        sb.append(v.get("verdict")).append('\n');
        if (v.containsKey("canSnapshot") || v.containsKey("canInject")) {
            sb.append("canSnapshot: ").append(v.get("canSnapshot")).append(" · canInject: ").append(v.get("canInject")).append('\n');
        }
        sb.append("\nEnvironment\n");
        checks(sb, v.get("environment"));
        if (v.get("target") instanceof Map<?, ?>) {
            sb.append('\n');
            process(sb, SnapshotModelText.maps(List.of(v.get("target"))).get(0));
            checks(sb, v.get("targetChecks"));
        }
        return sb.toString();
    }

    private static void checks(StringBuilder sb, Object checks) {
        for (Map<String, Object> c : SnapshotModelText.maps(checks)) {
            sb.append(String.format("  %-4s  %-22s %s%n", c.get("status"), c.get("id"), c.get("detail")));
            if (c.containsKey("fix")) {
                sb.append(String.format("        %-22s fix: %s%n", "", c.get("fix")));
            }
        }
    }
}
