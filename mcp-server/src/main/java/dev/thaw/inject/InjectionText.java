package dev.thaw.inject;

import java.util.stream.Collectors;

/**
 * The compact text renderings of injection results, for a terminal and for a model: the state and
 * what to do next first, then the output.
 */
public final class InjectionText {

    private InjectionText() {
    }

    public static String render(InjectionResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.injectionId()).append(": ").append(r.state()).append(" after ")
                .append(String.format("%.1f ms", r.elapsedMs())).append(" (pid ").append(r.pid()).append(", mode ")
                .append(r.mode());
        if (r.deliveredTid() != null) {
            sb.append(", picked up by thread ").append(r.deliveredTid());
        } else if (!r.armedTids().isEmpty()) {
            sb.append(", armed ").append(r.armedTids().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        if (r.scriptTid() != null && !r.scriptTid().equals(r.deliveredTid())) {
            sb.append(", ran on thread ").append(r.scriptTid());
        }
        sb.append(")\n");
        if (r.error() != null) {
            sb.append("error: ").append(r.error()).append('\n');
        }
        if (r.traceback() != null) {
            sb.append(r.traceback().endsWith("\n") ? r.traceback() : r.traceback() + "\n");
        }
        if (r.pending() != null) {
            sb.append(r.pending().summary()).append('\n');
            for (ArmedThread t : r.pending().threads()) {
                if (!t.frames().isEmpty()) {
                    sb.append("  thread ").append(t.tid()).append(": ").append(String.join(" <- ", t.frames())).append('\n');
                }
            }
            for (String a : r.pending().advice()) {
                sb.append("- ").append(a).append('\n');
            }
        }
        for (String n : r.notes()) {
            sb.append("note: ").append(n).append('\n');
        }
        if (!r.output().isEmpty() || r.outputBytes() > 0) {
            sb.append("--- output (").append(r.outputBytes()).append(" bytes").append(r.truncated()
                    ? ", truncated: " + r.droppedBytes() + " more bytes dropped at the cap" : "").append(") ---\n");
            sb.append(r.output());
            if (!r.output().endsWith("\n")) {
                sb.append('\n');
            }
        }
        if (r.more()) {
            sb.append("--- more: read_output injection_id=").append(r.injectionId()).append(" offset=")
                    .append(r.nextOffset()).append(r.state().equals("completed") || r.state().equals("failed")
                            ? "" : " wait_s=N (the script has not finished)").append(" ---\n");
        }
        return sb.toString();
    }

    public static String summary(InjectionResult r) {
        return r.injectionId() + " " + r.state() + (r.error() == null ? "" : ": " + firstLine(r.error()))
                + " (" + r.outputBytes() + " output bytes)";
    }

    public static String render(OutputPage p) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.injectionId()).append(": ").append(p.state()).append(", bytes ").append(p.offset()).append('-')
                .append(p.nextOffset()).append(" of ").append(p.totalBytes())
                .append(p.complete() ? " (end)" : p.nextOffset() < p.totalBytes() ? " (more: offset=" + p.nextOffset() + ")"
                        : " (the script has not finished; more may come)")
                .append(p.truncated() ? ", output truncated at the cap (" + p.droppedBytes() + " bytes dropped)" : "")
                .append('\n');
        sb.append(p.text());
        if (!p.text().isEmpty() && !p.text().endsWith("\n")) {
            sb.append('\n');
        }
        if (p.error() != null && p.complete()) {
            sb.append("error: ").append(p.error()).append('\n');
        }
        if (p.traceback() != null) {
            sb.append(p.traceback());
        }
        return sb.toString();
    }

    public static String summary(OutputPage p) {
        return p.injectionId() + " " + p.state() + " bytes " + p.offset() + "-" + p.nextOffset() + "/" + p.totalBytes();
    }

    private static String firstLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }
}
