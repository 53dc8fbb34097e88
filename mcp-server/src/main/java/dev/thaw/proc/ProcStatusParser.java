package dev.thaw.proc;

import java.util.ArrayList;
import java.util.List;

/** Parses the text of {@code /proc/PID/status} into a {@link ProcStatus}. */
final class ProcStatusParser {

    private ProcStatusParser() {
    }

    static ProcStatus parse(int pid, String text) {
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
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "Name" -> name = value;
                case "State" -> state = value.isEmpty() ? '?' : value.charAt(0);
                case "PPid" -> ppid = Integer.parseInt(value);
                case "Threads" -> threads = Integer.parseInt(value);
                case "Uid" -> uid = ints(value);
                case "Gid" -> gid = ints(value);
                case "NSpid" -> nsPids = ints(value);
                case "SigCgt" -> sigCgt = Long.parseUnsignedLong(value, 16);
                case "SigIgn" -> sigIgn = Long.parseUnsignedLong(value, 16);
                case "CapEff" -> capEff = Long.parseUnsignedLong(value, 16);
                default -> {
                    // other fields are not needed
                }
            }
        }
        return new ProcStatus(pid, name, state, ppid, uid, gid, nsPids, sigCgt, sigIgn, capEff, threads);
    }

    private static List<Integer> ints(String value) {
        List<Integer> out = new ArrayList<>();
        for (String part : value.split("\\s+")) {
            if (!part.isEmpty()) {
                out.add(Integer.parseInt(part));
            }
        }
        return List.copyOf(out);
    }
}
