package dev.thaw.proc;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

/**
 * Refusals every operation on a target shares, before any engine looks at it: a kernel thread (no
 * user memory, no runtime: reading its memory fails in a way that would otherwise be blamed on an
 * LSM), thaw's own JVM (attaching to or injecting into the process serving the request could deadlock
 * it, and a snapshot of it shows only thaw), and, for operations that need the target to run, a
 * stopped, traced or frozen process ({@link Suspensions}).
 */
public final class TargetGuard {

    private final ProcFs proc;
    private final Suspensions suspensions;

    public TargetGuard(ProcFs proc) {
        this.proc = proc;
        this.suspensions = new Suspensions(proc);
    }

    /** For reading a target from outside (a snapshot): refuses kernel threads and thaw itself. */
    public void checkReadable(int pid, String operation) {
        ProcStat stat = proc.stat(pid);
        if (stat.isKernelThread()) {
            throw new ThawException(ErrorCode.KERNEL_THREAD, "Process " + pid + " (" + stat.comm() + ") is a kernel thread,"
                    + " not a Python/JVM process: it has no user-space memory and runs no Python or Java code.",
                    "Pick a Python or JVM process from list_processes (CLI: thaw ps).");
        }
        long self = ProcessHandle.current().pid();
        if (pid == self || tgid(pid) == self) {
            throw new ThawException(ErrorCode.SELF_TARGET, "Process " + pid + " is thaw itself (the JVM serving this"
                    + " request): thaw does not " + operation + " itself.",
                    "Pick another process from list_processes (CLI: thaw ps); thaw's own pid is " + self + "."
                            + OwnContainer.sharingHint());
        }
    }

    /** For operations that need the target to run code (attach, injection): also refuses a held process. */
    public void checkRunnable(int pid, String operation) {
        checkReadable(pid, operation);
        suspensions.refuseIfHeld(pid, operation);
    }

    /** The thread group of {@code pid}: a thread id given as a pid names its process. */
    private long tgid(int pid) {
        try {
            for (String line : proc.readString(pid, "status").split("\n")) {
                if (line.startsWith("Tgid:")) {
                    return Long.parseLong(line.substring(5).trim());
                }
            }
        } catch (RuntimeException e) {
            // unreadable: the engines' own checks explain
        }
        return pid;
    }
}
