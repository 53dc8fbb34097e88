package dev.thaw.catalog;

import java.util.Map;

/** The compact text of a {@link DiagnosticList}: one short block per entry, the parameters on one line. */
public final class DiagnosticListText {

    private DiagnosticListText() {
    }

    public static String render(DiagnosticList list) {
        StringBuilder sb = new StringBuilder();
        sb.append(list.count()).append(list.count() == 1 ? " diagnostic" : " diagnostics")
                .append(list.runtime().equals("any") ? "" : " for " + list.runtime())
                .append(list.pid() == null ? "" : " (pid " + list.pid() + ")")
                .append(". Run one with ").append(DiagnosticList.RUN).append("; read its source at its resource URI.\n");
        for (DiagnosticList.Item e : list.entries()) {
            sb.append('\n').append(e.id()).append(" — ").append(e.title())
                    .append(e.mutating() ? " [CHANGES THE TARGET]" : " [read-only]").append('\n');
            sb.append("  answers: ").append(e.question()).append('\n');
            String params = params(e.params());
            sb.append("  params: ").append(params.isEmpty() ? "none" : params).append('\n');
            sb.append("  cost: ").append(e.cost());
            if (e.requires() != null) {
                sb.append("; needs ").append(e.requires());
            }
            sb.append("; source ").append(e.resource()).append('\n');
        }
        if (!list.notApplicable().isEmpty()) {
            sb.append("\nNot applicable (the process lacks what they need): ")
                    .append(String.join(", ", list.notApplicable())).append('\n');
        }
        return sb.toString();
    }

    public static String summary(DiagnosticList list) {
        return list.count() + " diagnostics (" + list.runtime() + ")";
    }

    /** {@code name: type = default} for each property. */
    static String params(Map<String, Object> schema) {
        if (!(schema.get("properties") instanceof Map<?, ?> props)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        props.forEach((name, p) -> {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(name);
            if (p instanceof Map<?, ?> s) {
                if (s.get("type") != null) {
                    sb.append(": ").append(s.get("type"));
                }
                if (s.containsKey("default")) {
                    sb.append(" = ").append(dev.thaw.Json.write(s.get("default")));
                }
            }
        });
        return sb.toString();
    }
}
