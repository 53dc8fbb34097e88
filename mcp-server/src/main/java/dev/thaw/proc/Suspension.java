package dev.thaw.proc;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

/**
 * Why a process cannot run any code right now: every thread of it is held by the kernel. Nothing sent
 * to it (an attach signal, an armed script) can act until it is let go, and a signal sent meanwhile
 * stays pending and fires later, unasked (a JVM then prints a thread dump into the application's
 * stdout). Read by {@link Suspensions}; one refusal wording for every operation that needs the target
 * to run.
 *
 * @param kind          how it is held
 * @param heldThreads   threads in the held state
 * @param totalThreads  threads of the process
 * @param tracerPid     TRACED: the pid of the tracer (from {@code TracerPid}), 0 when unknown
 * @param freezer       FROZEN: the freezer file that says so, e.g.
 *                      {@code /sys/fs/cgroup/freezer/docker/ID/freezer.state}
 */
public record Suspension(int pid, Kind kind, int heldThreads, int totalThreads, int tracerPid, String freezer) {

    public enum Kind {
        /** State T: a job-control stop (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU). */
        STOPPED,
        /** State t: stopped by a ptrace tracer (a debugger, strace, another profiler). */
        TRACED,
        /** Its cgroup is frozen (docker pause, kubectl/cgroup freezer, systemd freeze). */
        FROZEN
    }

    /** What the process is in, in words, e.g. "stopped (state T, 12 of 12 threads)". */
    public String describe() {
        return switch (kind) {
            case STOPPED -> "stopped (state T, " + heldThreads + " of " + totalThreads + " threads)";
            case TRACED -> "stopped by a tracer (state t, " + heldThreads + " of " + totalThreads + " threads"
                    + (tracerPid > 0 ? ", tracer pid " + tracerPid : "") + ")";
            case FROZEN -> "frozen by its cgroup freezer (" + freezer + ")";
        };
    }

    /** How to let it run again. */
    public String fix() {
        return switch (kind) {
            case STOPPED -> "Resume it with `kill -CONT " + pid + "`, then retry. A snapshot of a Python process works"
                    + " while it is stopped.";
            case TRACED -> (tracerPid > 0 ? "Detach the tracer (process " + tracerPid + ": quit or detach the debugger,"
                    + " strace or profiler)" : "Detach the tracer (debugger, strace or profiler)")
                    + ", then retry. A snapshot of a Python process works while it is stopped.";
            case FROZEN -> "Unfreeze it (`docker unpause CONTAINER`, or write THAWED to " + freezer
                    + " / 0 to cgroup.freeze), then retry. A snapshot of a Python process works while it is frozen.";
        };
    }

    /** The refusal of {@code operation} (e.g. "attach to JVM", "inject into"), with the cause and the fix. */
    public ThawException refusal(String operation) {
        ErrorCode code = switch (kind) {
            case STOPPED -> ErrorCode.PROCESS_STOPPED;
            case TRACED -> ErrorCode.PROCESS_TRACED;
            case FROZEN -> ErrorCode.PROCESS_FROZEN;
        };
        return new ThawException(code, "Cannot " + operation + " process " + pid + ": it is " + describe()
                + ", so none of its threads can run anything; thaw sent it nothing.", fix());
    }

    /** A line for a snapshot's notes: what was read, and what it means. */
    public String note() {
        return "The process is " + describe() + ": these stacks were read from memory and will not move until it"
                + " runs again. " + fix();
    }
}
