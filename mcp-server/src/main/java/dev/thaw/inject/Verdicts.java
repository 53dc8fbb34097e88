package dev.thaw.inject;

import dev.thaw.Json;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the verdicts a diagnostic printed. The convention (Python's {@code thaw_kit.report(out)} and Java's
 * {@code dev.thaw.agent.Kit.report(out)} follow it): after its text, a diagnostic prints one line
 * {@code @thaw-verdicts {"version": 1, "verdicts": [{kind, conclusion, evidence, fix, subject}]}}; the
 * last such line of the output counts. An output without one has no verdicts (null, not empty: the
 * script did not say); a line that does not parse is ignored, never an error.
 */
public final class Verdicts {

    public static final String MARKER = "@thaw-verdicts ";
    private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);
    /** The line is searched for in the output's last bytes only. */
    static final int TAIL = 1 << 20;
    private static final int MAX_VERDICTS = 100;

    private Verdicts() {
    }

    /** The verdicts of an output, or null when it has no (readable) verdict line. */
    public static List<Verdict> parse(byte[] output) {
        if (output == null || output.length < MARKER_BYTES.length) {
            return null;
        }
        int start = lastMarker(output, Math.max(0, output.length - TAIL));
        if (start < 0) {
            return null;
        }
        int end = start;
        while (end < output.length && output[end] != '\n') {
            end++;
        }
        String json = new String(output, start + MARKER_BYTES.length, end - start - MARKER_BYTES.length,
                StandardCharsets.UTF_8);
        try {
            JsonNode root = Json.mapper().readTree(json);
            JsonNode list = root.path("verdicts");
            if (!list.isArray()) {
                return null;
            }
            List<Verdict> res = new ArrayList<>();
            for (JsonNode v : list) {
                if (res.size() >= MAX_VERDICTS) {
                    break;
                }
                List<String> evidence = new ArrayList<>();
                for (JsonNode e : v.path("evidence")) {
                    evidence.add(e.asString());
                }
                JsonNode subject = v.path("subject");
                res.add(new Verdict(v.path("kind").asString(""), v.path("conclusion").asString(""),
                        List.copyOf(evidence), v.path("fix").asString(""),
                        subject.isNull() || subject.isMissingNode() ? null : subject.asString()));
            }
            return List.copyOf(res);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The verdicts in a few lines ("KIND: conclusion"), for a rendering whose output preview ends before
     * the script's own Verdicts section; empty for none.
     */
    public static String text(List<Verdict> verdicts) {
        if (verdicts == null || verdicts.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("Verdicts (the script's conclusions, from the end of its output):\n");
        for (Verdict v : verdicts) {
            sb.append("  ").append(v.kind().toUpperCase(java.util.Locale.ROOT)).append(": ").append(v.conclusion())
                    .append('\n');
        }
        return sb.toString();
    }

    /** Offset of the last marker that starts a line, searching back to {@code floor}; -1 if none. */
    private static int lastMarker(byte[] b, int floor) {
        for (int i = b.length - MARKER_BYTES.length; i >= floor; i--) {
            if ((i == 0 || b[i - 1] == '\n') && b[i] == '@' && matches(b, i)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matches(byte[] b, int at) {
        for (int j = 0; j < MARKER_BYTES.length; j++) {
            if (b[at + j] != MARKER_BYTES[j]) {
                return false;
            }
        }
        return true;
    }
}
