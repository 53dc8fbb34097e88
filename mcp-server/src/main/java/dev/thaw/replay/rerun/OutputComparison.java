package dev.thaw.replay.rerun;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Whether a re-run's output says the same thing as the original's. Two runs in two processes never
 * print the same addresses, thread ids or times, so besides byte equality the outputs are compared
 * with those masked: a diagnostic that printed "deadlock between T1 and T2" before a fix and "no
 * deadlock" after it differs; one that printed a different 0x7f… address does not.
 */
public final class OutputComparison {

    /** The verdict for one injection. */
    public enum Verdict {
        /** Byte for byte the same output and status. */
        SAME,
        /** Same status, same output once addresses, ids, numbers and times are masked. */
        SAME_MODULO_IDS,
        /** Different status or different output. */
        CHANGED
    }

    /** @param firstDifference the first differing line pair after masking, or null */
    public record Result(Verdict verdict, String firstDifference) {
    }

    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern TIME = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?|\\b\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?\\b");
    private static final Pattern DURATION = Pattern.compile("\\b\\d+(?:\\.\\d+)?\\s?(?:ns|us|µs|ms|s)\\b");
    /** Four digits or more: pids, tids, ports, counters; small numbers (line numbers, counts) stay. */
    private static final Pattern LONG_NUMBER = Pattern.compile("\\b\\d{4,}\\b");

    private OutputComparison() {
    }

    public static Result compare(String oldStatus, byte[] oldOutput, String newStatus, byte[] newOutput) {
        boolean sameStatus = oldStatus == null ? newStatus == null : oldStatus.equals(newStatus);
        if (sameStatus && Arrays.equals(oldOutput, newOutput)) {
            return new Result(Verdict.SAME, null);
        }
        String[] a = mask(oldOutput).split("\n", -1);
        String[] b = mask(newOutput).split("\n", -1);
        if (!sameStatus) {
            return new Result(Verdict.CHANGED, "status " + oldStatus + " → " + newStatus);
        }
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "(no line)";
            String y = i < b.length ? b[i] : "(no line)";
            if (!x.equals(y)) {
                return new Result(Verdict.CHANGED, "line " + (i + 1) + ": \"" + cut(x) + "\" → \"" + cut(y) + "\"");
            }
        }
        return new Result(Verdict.SAME_MODULO_IDS, null);
    }

    static String mask(byte[] output) {
        String s = new String(output == null ? new byte[0] : output, StandardCharsets.UTF_8).replace("\r\n", "\n");
        s = TIME.matcher(s).replaceAll("<time>");
        s = DURATION.matcher(s).replaceAll("<duration>");
        s = HEX.matcher(s).replaceAll("0x<addr>");
        s = LONG_NUMBER.matcher(s).replaceAll("<n>");
        return s.strip();
    }

    private static String cut(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
