package dev.thaw.report;

import dev.thaw.Json;
import dev.thaw.replay.InjectionHistory;
import dev.thaw.replay.SessionReplay;
import dev.thaw.replay.TimelineEntry;
import dev.thaw.replay.snapshot.WaitGraph;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The phrases both renderers share, so Markdown and HTML say the same things. */
final class ReportText {

    static final int MAX_ARGS_CHARS = 160;

    private ReportText() {
    }

    /** A bounded excerpt of an output. */
    record Excerpt(String text, int shownBytes, int totalBytes, boolean binary) {
        boolean cut() {
            return shownBytes < totalBytes;
        }
    }

    static Excerpt excerpt(byte[] data, int max) {
        int n = Math.min(data.length, max);
        // Do not cut a UTF-8 sequence in half.
        while (n < data.length && n > 0 && (data[n] & 0xC0) == 0x80) {
            n--;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data, 0, n)).toString();
            return new Excerpt(text, n, data.length, false);
        } catch (CharacterCodingException e) {
            return new Excerpt(new String(data, 0, n, StandardCharsets.ISO_8859_1)
                    .replaceAll("[^\\x09\\x0a\\x20-\\x7e]", "."), n, data.length, true);
        }
    }

    static String cutNote(Excerpt e) {
        StringBuilder sb = new StringBuilder();
        if (e.binary()) {
            sb.append("not UTF-8: non-printable bytes shown as '.'. ");
        }
        if (e.cut()) {
            sb.append("first ").append(e.shownBytes()).append(" of ").append(e.totalBytes())
                    .append(" bytes shown; the log (or its sidecar file) has all of it.");
        }
        return sb.toString().trim();
    }

    /** Compact JSON of the arguments, bounded. */
    static String arguments(Map<String, Object> args) {
        if (args == null || args.isEmpty()) {
            return "";
        }
        String s = Json.write(args);
        return s.length() > MAX_ARGS_CHARS ? s.substring(0, MAX_ARGS_CHARS) + "…" : s;
    }

    static String call(TimelineEntry.Call c) {
        StringBuilder sb = new StringBuilder();
        if (c.inFlight()) {
            sb.append("in flight when the log ends (no result recorded: the server stopped during this call)");
        } else if (Boolean.FALSE.equals(c.ok())) {
            sb.append("refused").append(c.error() == null ? "" : " [" + c.error() + "]").append(": ")
                    .append(c.errorMessage() != null ? c.errorMessage() : nz(c.summary()));
        } else {
            sb.append(nz(c.summary()));
        }
        if (c.durationMs() != null) {
            sb.append(" (").append(ms(c.durationMs())).append(')');
        }
        return sb.toString();
    }

    static String decision(InjectionHistory.Decision d) {
        if (d == null) {
            return "no decision recorded";
        }
        StringBuilder sb = new StringBuilder(d.approved() ? "approved" : "refused");
        sb.append(" — ").append(how(d.how())).append(" (policy ").append(d.policy()).append(')');
        if (d.waitedMs() != null) {
            sb.append(", answered after ").append(ms(d.waitedMs()));
        }
        if (d.detail() != null) {
            sb.append("; ").append(d.detail());
        }
        return sb.toString();
    }

    static String how(String how) {
        if (how == null) {
            return "unknown";
        }
        return switch (how) {
            case "auto_policy" -> "nobody asked (--approve auto)";
            case "catalog_entry" -> "vetted catalog entry, no confirmation needed";
            case "denied_by_policy" -> "custom scripts refused by policy";
            case "user_accepted" -> "the user confirmed";
            case "user_allowed_window" -> "allowed by the user's earlier time-limited approval for this process";
            case "user_declined" -> "the user declined";
            case "user_cancelled" -> "the user cancelled";
            case "no_way_to_ask" -> "nobody could be asked";
            case "timed_out" -> "nobody answered in time";
            case "ask_failed" -> "asking failed";
            default -> how;
        };
    }

    static String statuses(InjectionHistory h) {
        if (h.statuses().isEmpty()) {
            return h.finalStatus();
        }
        return String.join(" → ", h.statuses().stream().map(InjectionHistory.StatusChange::status).toList());
    }

    static String session(SessionReplay r) {
        var i = r.info();
        return (i.server() == null ? "thaw" : i.server()) + " " + nz(i.version());
    }

    static String ended(SessionReplay r) {
        if (r.endedCleanly()) {
            return r.info().endedAt() + (r.info().endReason() == null ? "" : " (" + r.info().endReason() + ")");
        }
        return "no orderly end recorded: the server was killed or crashed, or is still running";
    }

    static String ms(double millis) {
        if (millis < 1000) {
            return String.format(java.util.Locale.ROOT, "%.0f ms", millis);
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000);
    }

    /** "+12.3 s" relative to the session's start, or the raw time. */
    static String relative(String start, String time) {
        if (start == null || time == null) {
            return nz(time);
        }
        try {
            Duration d = Duration.between(Instant.parse(start), Instant.parse(time));
            return "+" + ms(d.toMillis());
        } catch (DateTimeParseException e) {
            return time;
        }
    }

    /**
     * The wait-for graph as sentences: each cycle first, then the other waits. {@code thread} and
     * {@code lock} format the labels (Markdown puts lock names in code spans, HTML escapes later).
     */
    static List<String> graphLines(WaitGraph g, UnaryOperator<String> thread, UnaryOperator<String> lock) {
        List<String> lines = new ArrayList<>();
        for (List<String> cycle : g.cycles()) {
            List<String> steps = new ArrayList<>();
            for (int i = 0; i + 1 < cycle.size(); i += 2) {
                String next = cycle.get((i + 2) % cycle.size());
                steps.add(thread.apply(label(g, cycle.get(i))) + " waits for " + lock.apply(label(g, cycle.get(i + 1)))
                        + ", held by " + thread.apply(label(g, next)));
            }
            lines.add("DEADLOCK: " + String.join("; ", steps) + ".");
        }
        for (WaitGraph.Edge e : g.edges()) {
            if (!e.waits() || e.inCycle()) {
                continue;
            }
            WaitGraph.Edge held = g.edges().stream().filter(h -> !h.waits() && h.from().equals(e.to())).findFirst()
                    .orElse(null);
            lines.add(thread.apply(label(g, e.from())) + " waits for " + lock.apply(label(g, e.to()))
                    + (held == null ? "" : ", held by " + thread.apply(label(g, held.to()))) + ".");
        }
        if (g.omittedThreads() > 0) {
            lines.add(g.omittedThreads() + " more threads in waits are not shown.");
        }
        return lines;
    }

    private static String label(WaitGraph g, String id) {
        WaitGraph.Node n = g.node(id);
        return n == null ? id : n.label();
    }

    /** The lines of a text; a final line break ends the last line rather than starting an empty one. */
    static String[] lines(String text) {
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return t.split("\n", -1);
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }
}
