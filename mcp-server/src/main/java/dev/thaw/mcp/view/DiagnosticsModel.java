package dev.thaw.mcp.view;

import dev.thaw.catalog.DiagnosticList;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code list_diagnostics} as a model reads it: by default each entry's id, the question it answers
 * (shortened) and what it needs, only the entries that apply to the process; one entry in full (its
 * params schema, cost, timeout, source) when asked by id, or all in full on request.
 */
public final class DiagnosticsModel {

    static final int QUESTION_CHARS = 72;
    private static final String RUN_AND_PARAMS = DiagnosticList.RUN + "; list_diagnostics {id: ID} for its params";

    private DiagnosticsModel() {
    }

    /** The list as a model reads it: short entries (or each in full), and what does not apply. */
    public static ViewMap list(DiagnosticList list, boolean full) {
        ViewMap v = new ViewMap().with("runtime", list.runtime()).with("pid", list.pid()).with("count", list.count())
                .with("run", RUN_AND_PARAMS);
        List<ViewMap> items = new ArrayList<>();
        for (DiagnosticList.Item e : list.entries()) {
            items.add(full ? entry(e) : new ViewMap().with("id", e.id()).with("answers", shorten(e.question()))
                    .with("changesTarget", e.mutating()).with("requires", e.requires()));
        }
        return v.with("entries", items).with("notApplicable", list.notApplicable());
    }

    /** The text of one entry in full ({@code list_diagnostics {id}}), from its {@link #entry} view. */
    public static String entryText(ViewMap entry) {
        return text(Map.of("count", 1, "run", DiagnosticList.RUN, "entries", List.of(entry)));
    }

    /** One entry with everything needed to call it. */
    public static ViewMap entry(DiagnosticList.Item e) {
        return new ViewMap().with("id", e.id()).with("runtime", e.runtime()).with("title", e.title())
                .with("answers", e.question()).with("params", e.params()).with("changesTarget", e.mutating())
                .with("cost", e.cost()).with("requires", e.requires()).with("timeoutS", e.timeoutS())
                .with("source", e.resource());
    }

    static String shorten(String s) {
        if (s == null || s.length() <= QUESTION_CHARS) {
            return s;
        }
        int cut = s.lastIndexOf(' ', QUESTION_CHARS - 1);
        return s.substring(0, cut > 40 ? cut : QUESTION_CHARS - 1).replaceAll("[,;:(]+$", "") + "…";
    }

    /** The same facts as text. */
    public static String text(Map<String, Object> v) {
        StringBuilder sb = new StringBuilder();
        sb.append(v.get("count")).append(" diagnostics");
        if (v.containsKey("runtime")) {
            sb.append(" for ").append(v.get("runtime"));
        }
        if (v.containsKey("pid")) {
            sb.append(" (pid ").append(v.get("pid")).append(')');
        }
        sb.append(". Run: ").append(v.get("run")).append('\n');
        for (Map<String, Object> e : SnapshotModelText.maps(v.get("entries"))) {
            sb.append('\n').append(e.get("id"));
            if (e.containsKey("title")) {
                sb.append(" — ").append(e.get("title"));
            }
            sb.append(Boolean.TRUE.equals(e.get("changesTarget")) ? " [changesTarget]" : "").append('\n');
            for (Map.Entry<String, Object> f : e.entrySet()) {
                if (!List.of("id", "title", "changesTarget").contains(f.getKey())) {
                    sb.append("  ").append(f.getKey()).append(": ").append(SnapshotModelText.joined(f.getValue())).append('\n');
                }
            }
        }
        List<Object> hidden = SnapshotModelText.list(v.get("notApplicable"));
        if (!hidden.isEmpty()) {
            sb.append("\nnotApplicable (the process lacks what they need): ")
                    .append(SnapshotModelText.joined(hidden)).append('\n');
        }
        return sb.toString();
    }
}
