package dev.thaw.proc;

import java.util.ArrayList;
import java.util.List;

/** Parses the text of {@code /proc/PID/status} into a {@link ProcStatus}. */
public final class ProcStatusParser {

    private ProcStatusParser() {
    }

    public static ProcStatus parse(int pid, String text) {
        String name = "";
        char state = '?';
        int ppid = 0;
        int threads = 0;
        List<Integer> uid = List.of(-1, -1, -1, -1);
        List<Integer> gid = List.of(-1, -1, -1, -1);
        List<Integer> nsPids = List.of();
        long sigCgt = 0;
        long sigIgn = 0;
        long capEff = 0;
        // About fifty lines, ten of them needed: only those get substrings (no regex, no split).
        int n = text.length();
        for (int start = 0; start < n; ) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            int colon = text.indexOf(':', start);
            if (colon > start && colon < end) {
                String key = text.substring(start, colon);
                switch (key) {
                    case "Name" -> name = value(text, colon, end);
                    case "State" -> {
                        String v = value(text, colon, end);
                        state = v.isEmpty() ? '?' : v.charAt(0);
                    }
                    case "PPid" -> ppid = Integer.parseInt(value(text, colon, end));
                    case "Threads" -> threads = Integer.parseInt(value(text, colon, end));
                    case "Uid" -> uid = ints(value(text, colon, end));
                    case "Gid" -> gid = ints(value(text, colon, end));
                    case "NSpid" -> nsPids = ints(value(text, colon, end));
                    case "SigCgt" -> sigCgt = Long.parseUnsignedLong(value(text, colon, end), 16);
                    case "SigIgn" -> sigIgn = Long.parseUnsignedLong(value(text, colon, end), 16);
                    case "CapEff" -> capEff = Long.parseUnsignedLong(value(text, colon, end), 16);
                    default -> {
                        // other fields are not needed
                    }
                }
            }
            start = end + 1;
        }
        return new ProcStatus(pid, name, state, ppid, uid, gid, nsPids, sigCgt, sigIgn, capEff, threads);
    }

    private static String value(String text, int colon, int end) {
        return text.substring(colon + 1, end).trim();
    }

    /** Whitespace-separated decimal numbers. */
    private static List<Integer> ints(String value) {
        List<Integer> out = new ArrayList<>(4);
        int n = value.length();
        for (int i = 0; i < n; ) {
            while (i < n && Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(Integer.parseInt(value, start, i, 10));
            }
        }
        return List.copyOf(out);
    }
}
