package dev.thaw.jvm.probe;

import dev.thaw.proc.ProcessKey;

/**
 * A JVM that can take a probe, identified so that a reused pid is never taken for it.
 *
 * @param pid         as thaw sees it
 * @param startTicks  {@code /proc/PID/stat} start time
 * @param nsPid       the pid as the JVM sees itself
 * @param uid         effective uid
 * @param gid         effective gid
 * @param javaVersion {@code java.version}, e.g. {@code 25.0.3}, or null when unknown
 * @param feature     the feature release (25), 0 when unknown
 * @param executable  {@code /proc/PID/exe}, or null
 */
public record JvmTarget(int pid, long startTicks, int nsPid, int uid, int gid, String javaVersion, int feature,
                        String executable) {

    public ProcessKey key() {
        return new ProcessKey(pid, startTicks);
    }
}
