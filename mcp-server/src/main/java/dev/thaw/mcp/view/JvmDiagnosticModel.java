package dev.thaw.mcp.view;

import dev.thaw.Json;
import dev.thaw.jvm.diag.ClassHistogram;
import dev.thaw.jvm.diag.JvmDiagnostic;

import java.util.List;
import java.util.Map;

/**
 * {@code jvm_diagnostic} as a model reads it: the command's answer, without its timing, and the
 * forced GC mentioned only when there was one; the text is rendered from the same view.
 */
public final class JvmDiagnosticModel {

    private JvmDiagnosticModel() {
    }

    public static ViewMap of(JvmDiagnostic d) {
        ViewMap v = new ViewMap().with("pid", d.pid()).with("command", d.command()).with("jcmd", d.jcmd())
                .with("forcedGc", d.forcedGc());
        if (d.histogram() != null) {
            ClassHistogram h = d.histogram();
            v.with("histogram", new ViewMap()
                    .with("top", ViewMap.pruned(Json.mapper().convertValue(h.top(), List.class)))
                    .with("classes", h.classes()).with("totalInstances", h.totalInstances())
                    .with("totalBytes", h.totalBytes())
                    .with("counted", h.liveOnly() ? "live objects, after a full GC" : "all objects, no GC: includes garbage"));
        }
        return v.with("properties", d.properties()).with("flags", d.flags()).with("text", d.text())
                .with("truncated", d.truncated());
    }

    public static String text(Map<String, Object> v) {
        StringBuilder sb = new StringBuilder();
        sb.append("JVM ").append(v.get("pid")).append(' ').append(v.get("command")).append(" (`jcmd ").append(v.get("pid"))
                .append(' ').append(v.get("jcmd")).append("`)");
        if (Boolean.TRUE.equals(v.get("forcedGc"))) {
            sb.append(" — forcedGc: a full GC ran first");
        }
        sb.append('\n');
        if (v.get("histogram") instanceof Map<?, ?> h) {
            List<Map<String, Object>> top = SnapshotModelText.maps(h.get("top"));
            sb.append(h.get("totalInstances")).append(" instances, ").append(h.get("totalBytes")).append(" bytes in ")
                    .append(h.get("classes")).append(" classes (").append(h.get("counted")).append("); top ")
                    .append(top.size()).append(" by bytes:\n");
            for (Map<String, Object> e : top) {
                sb.append(String.format("%4s %14s B %10s  %s%s%n", e.get("rank"), e.get("bytes"), e.get("instances"),
                        e.get("className"), e.containsKey("module") ? "  " + e.get("module") : ""));
            }
        }
        if (v.get("properties") instanceof Map<?, ?> props) {
            props.forEach((k, value) -> sb.append(k).append('=').append(value).append('\n'));
        }
        for (Object f : SnapshotModelText.list(v.get("flags"))) {
            sb.append(f).append('\n');
        }
        if (v.containsKey("text")) {
            sb.append(String.valueOf(v.get("text")).stripTrailing()).append('\n');
        }
        if (Boolean.TRUE.equals(v.get("truncated"))) {
            sb.append("… truncated: run `jcmd ").append(v.get("pid")).append(' ').append(v.get("jcmd"))
                    .append("` for all of it.\n");
        }
        return sb.toString();
    }
}
