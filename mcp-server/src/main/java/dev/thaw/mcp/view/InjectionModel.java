package dev.thaw.mcp.view;

import dev.thaw.Json;
import dev.thaw.inject.ArmedThread;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.OutputPage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code inject_script} as a model reads it: the state, the output, and what to do next. How it got
 * there (script hash, armed threads, the delivering thread, per-phase timings) stays in the session
 * log and comes back with {@code detail: true}. Fields a runtime never fills (Java has no armed
 * threads) are simply absent.
 */
public final class InjectionModel {


    private InjectionModel() {
    }

    public static ViewMap of(InjectionResult r) {
        ViewMap v = new ViewMap().with("injectionId", r.injectionId()).with("state", r.state())
                .with("verdicts", verdicts(r.verdicts()));
        if (!r.delivered() && !r.state().equals("queued")) {
            v.put("delivered", false); // timed out or gone before any thread picked it up: the script never ran
        }
        v.with("error", r.error()).with("errorType", r.errorType()).with("traceback", r.traceback())
                .with("exitCode", r.exitCode());
        if (r.pending() != null) {
            List<String> threads = new ArrayList<>();
            for (ArmedThread t : r.pending().threads()) {
                if (!t.frames().isEmpty()) {
                    threads.add("tid " + t.tid() + (t.name() == null ? "" : " \"" + t.name() + "\"") + ": "
                            + String.join(" <- ", t.frames()));
                }
            }
            v.with("pending", new ViewMap().with("summary", r.pending().summary()).with("threads", threads)
                    .with("advice", r.pending().advice()));
        }
        v.with("notes", r.notes()).with("output", r.output()).count("outputBytes", r.outputBytes());
        if (r.truncated()) {
            v.with("truncated", r.droppedBytes() + " bytes dropped at the output cap");
        }
        if (r.more()) {
            v.with("more", true).with("nextOffset", r.nextOffset());
        }
        return v.with("next", next(r));
    }

    /** The one call that moves the investigation on from here. */
    static String next(InjectionResult r) {
        if (r.more()) {
            return "read_output injection_id=" + r.injectionId() + " offset=" + r.nextOffset()
                    + (dev.thaw.inject.InjectionState.fromWire(r.state()).isFinal() ? ""
                    : " wait_s=N (the script has not finished)");
        }
        return switch (r.state()) {
            case "completed" -> null;
            case "failed" -> "fix the script (see error) and call inject_script again";
            case "queued", "delivered", "running" -> "read_output injection_id=" + r.injectionId() + " wait_s=N";
            // A script that ran past the wait keeps running: its late output and end are read_output's.
            case "timed_out" -> r.delivered() ? "read_output injection_id=" + r.injectionId() + " wait_s=N"
                    : r.pending() != null && !r.pending().advice().isEmpty() ? null
                    : "snapshot the pid (samples=3) to see what its threads wait on";
            default -> r.pending() != null && !r.pending().advice().isEmpty() ? null
                    : "snapshot the pid (samples=3) to see what its threads wait on";
        };
    }

    /** A diagnostic's conclusions, first: what it concludes, the evidence and the usual fix (null when it printed none). */
    static List<ViewMap> verdicts(List<dev.thaw.inject.Verdict> verdicts) {
        if (verdicts == null) {
            return null;
        }
        return verdicts.stream().map(x -> new ViewMap().with("kind", x.kind()).with("conclusion", x.conclusion())
                .with("subject", x.subject()).with("evidence", x.evidence()).with("fix", x.fix())).toList();
    }

    static void verdictsText(StringBuilder sb, Object verdicts) {
        for (Map<String, Object> x : SnapshotModelText.maps(verdicts)) {
            sb.append("VERDICT ").append(x.get("kind")).append(": ").append(x.get("conclusion")).append('\n');
            if (x.containsKey("subject")) {
                sb.append("  subject: ").append(x.get("subject")).append('\n');
            }
            for (Object ev : SnapshotModelText.list(x.get("evidence"))) {
                sb.append("  - ").append(ev).append('\n');
            }
            if (x.containsKey("fix")) {
                sb.append("  fix: ").append(x.get("fix")).append('\n');
            }
        }
    }

    /** The same facts as text. */
    public static String text(Map<String, Object> v) {
        StringBuilder sb = new StringBuilder();
        sb.append(v.get("injectionId")).append(": ").append(v.get("state"));
        if (Boolean.FALSE.equals(v.get("delivered"))) {
            sb.append(" (delivered: false — no thread picked the script up; it did not run)");
        }
        sb.append('\n');
        for (Map.Entry<String, Object> e : v.entrySet()) {
            switch (e.getKey()) {
                case "injectionId", "state", "delivered", "output", "more", "nextOffset", "next" -> { }
                case "traceback" -> sb.append(e.getValue()).append(String.valueOf(e.getValue()).endsWith("\n") ? "" : "\n");
                case "verdicts" -> verdictsText(sb, e.getValue());
                case "pending" -> {
                    Map<String, Object> p = SnapshotModelText.maps(List.of(e.getValue())).get(0);
                    sb.append("pending: ").append(p.get("summary")).append('\n');
                    for (Object t : SnapshotModelText.list(p.get("threads"))) {
                        sb.append("  ").append(t).append('\n');
                    }
                    for (Object a : SnapshotModelText.list(p.get("advice"))) {
                        sb.append("- ").append(a).append('\n');
                    }
                }
                default -> sb.append(e.getKey()).append(": ").append(e.getValue() instanceof Map<?, ?> m ? Json.write(m)
                        : SnapshotModelText.joined(e.getValue())).append('\n');
            }
        }
        Object output = v.get("output");
        if (output != null) {
            sb.append("--- output ---\n").append(output).append(String.valueOf(output).endsWith("\n") ? "" : "\n");
        }
        if (v.containsKey("more")) {
            sb.append("--- more from offset ").append(v.get("nextOffset")).append(" ---\n");
        }
        if (v.containsKey("next")) {
            sb.append("next: ").append(v.get("next")).append('\n');
        }
        return sb.toString();
    }

    /** {@code read_output}: the page, where the next one starts, and whether the output is complete. */
    public static ViewMap page(OutputPage p) {
        ViewMap v = new ViewMap().with("injectionId", p.injectionId()).with("state", p.state())
                .with("verdicts", verdicts(p.verdicts())).with("text", p.text())
                .with("offset", p.offset()).with("nextOffset", p.nextOffset()).with("totalBytes", p.totalBytes())
                .with("complete", p.complete());
        if (p.truncated()) {
            v.with("truncated", p.droppedBytes() + " bytes dropped at the output cap");
        }
        v.with("error", p.complete() ? p.error() : null).with("traceback", p.traceback());
        if (!p.complete()) {
            v.with("next", "read_output injection_id=" + p.injectionId() + " offset=" + p.nextOffset()
                    + (p.nextOffset() < p.totalBytes() ? "" : " wait_s=N (the script has not finished)"));
        }
        return v;
    }

    public static String pageText(Map<String, Object> v) {
        StringBuilder sb = new StringBuilder();
        sb.append(v.get("injectionId")).append(": ").append(v.get("state")).append(", bytes ")
                .append(v.getOrDefault("offset", 0)).append('-').append(v.get("nextOffset")).append(" of ")
                .append(v.get("totalBytes")).append(Boolean.TRUE.equals(v.get("complete")) ? " (complete)" : "").append('\n');
        verdictsText(sb, v.get("verdicts"));
        Object text = v.get("text");
        if (text != null) {
            sb.append(text).append(String.valueOf(text).endsWith("\n") ? "" : "\n");
        }
        for (String k : List.of("truncated", "error", "next")) {
            if (v.containsKey(k)) {
                sb.append(k).append(": ").append(v.get(k)).append('\n');
            }
        }
        if (v.containsKey("traceback")) {
            sb.append(v.get("traceback"));
        }
        return sb.toString();
    }
}
