package dev.thaw.session;

import dev.thaw.process.ProcessInfo;

/**
 * Which process an injection went into, recorded so that a pid reused by another process is never
 * confused with the original: the pid alone is not an identity, pid plus start time is.
 *
 * @param pid            the process id (as seen from thaw's PID namespace)
 * @param startTime      ISO-8601 start instant from /proc/PID/stat
 * @param executable     /proc/PID/exe, or null when unreadable
 * @param command        the command line, bounded
 * @param runtime        {@code cpython}, {@code hotspot} or {@code none}
 * @param runtimeVersion the exact version read from the process, or null
 */
public record RecordedTarget(int pid, String startTime, String executable, String command, String runtime,
                             String runtimeVersion) {

    public static RecordedTarget of(ProcessInfo info, String executable) {
        return new RecordedTarget(info.pid(), info.startTime(), executable, info.command(),
                info.runtime() == null ? null : info.runtime().kind(),
                info.runtime() == null ? null : info.runtime().version());
    }

    /** Same process: same pid and same start time. */
    public boolean sameProcessAs(RecordedTarget other) {
        return other != null && pid == other.pid && startTime != null && startTime.equals(other.startTime);
    }

    /** "pid 4242 (cpython 3.14.0, started 2025-…)". */
    public String label() {
        String rt = runtime == null ? "?" : runtime + (runtimeVersion == null ? "" : " " + runtimeVersion);
        return "pid " + pid + " (" + rt + ", started " + startTime + ")";
    }
}
