package dev.thaw.proc;

/**
 * One process for as long as it lives: its pid and the clock tick it started at. A pid is reused
 * once a process exits; the pair is not, so anything cached or locked per process is keyed by this,
 * never by the pid alone. {@link #toString()} is the {@code pid@startTicks} form used in file names
 * and logs.
 */
public record ProcessKey(int pid, long startTicks) {

    /** The key of the process now holding {@code pid}; throws {@link ProcessGoneException} if none. */
    public static ProcessKey of(ProcFs proc, int pid) {
        return new ProcessKey(pid, proc.stat(pid).startTimeTicks());
    }

    /** Parses the {@code pid@startTicks} form; throws IllegalArgumentException on anything else. */
    public static ProcessKey parse(String text) {
        int at = text.indexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new IllegalArgumentException("not pid@startTicks: " + text);
        }
        return new ProcessKey(Integer.parseInt(text.substring(0, at)), Long.parseLong(text.substring(at + 1)));
    }

    /** True when this key names the same pid (perhaps a later process reusing it). */
    public boolean samePid(ProcessKey other) {
        return other != null && other.pid == pid;
    }

    @Override
    public String toString() {
        return pid + "@" + startTicks;
    }
}
