package dev.thaw.proc;

/**
 * The fields of {@code /proc/PID/stat} (or {@code /proc/PID/task/TID/stat}) that thaw uses.
 *
 * @param comm            the name between the parentheses, which may itself contain spaces and ')'
 * @param startTimeTicks  field 22: start time in clock ticks since boot; with the pid it identifies
 *                        a process across pid reuse
 * @param flags           field 9: kernel PF_* flags; PF_KTHREAD (0x00200000) marks kernel threads
 */
public record ProcStat(int pid, String comm, char state, int ppid, long flags, long startTimeTicks, int numThreads) {

    private static final long PF_KTHREAD = 0x00200000L;

    public boolean isKernelThread() {
        return (flags & PF_KTHREAD) != 0;
    }

    /** Parses one stat line; the comm field is delimited by the first '(' and the LAST ')'. */
    public static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc stat line: " + abbreviate(line));
        }
        int pid = Integer.parseInt(line.substring(0, open).trim());
        String comm = line.substring(open + 1, close);
        String[] f = line.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state); field n is f[n - 3].
        char state = f[0].charAt(0);
        int ppid = Integer.parseInt(f[1]);
        long flags = Long.parseUnsignedLong(f[9 - 3]);
        int numThreads = Integer.parseInt(f[20 - 3]);
        long start = Long.parseLong(f[22 - 3]);
        return new ProcStat(pid, comm, state, ppid, flags, start, numThreads);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
