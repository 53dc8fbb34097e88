package dev.thaw.inject;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStat;
import dev.thaw.proc.ProcessKey;

/**
 * The process an injection went into, identified so that a reused pid is never taken for it:
 * pid plus the kernel's start time.
 *
 * @param pid            as thaw sees it
 * @param startTicks     {@code /proc/PID/stat} field 22 (clock ticks since boot)
 * @param executable     {@code /proc/PID/exe} as the target sees it, or null
 * @param runtime        {@code cpython} or {@code hotspot}
 * @param runtimeVersion e.g. {@code 3.14.10}
 * @param uid            the effective uid of the target (files thaw creates for it are given to it)
 * @param gid            the effective gid
 */
public record TargetIdentity(int pid, long startTicks, String executable, String runtime, String runtimeVersion,
                             int uid, int gid) {

    /** Same pid, same start time, and not a zombie. */
    public boolean alive(ProcFs proc) {
        return alive(proc, key());
    }

    /** Whether the process of {@code key} still lives: same pid, same start time, and not a zombie. */
    static boolean alive(ProcFs proc, ProcessKey key) {
        try {
            ProcStat s = proc.stat(key.pid());
            return s.startTimeTicks() == key.startTicks() && s.state() != 'Z' && s.state() != 'X';
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The process, for anything kept or serialized per process. */
    public ProcessKey key() {
        return new ProcessKey(pid, startTicks);
    }
}
