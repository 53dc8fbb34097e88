package dev.thaw.python.inject;

import dev.thaw.proc.TaskState;

/**
 * What the kernel says about one thread, and what that means for reaching a safe point.
 *
 * @param tid         native thread id
 * @param name        {@code comm}
 * @param state       the state letter of {@code /proc/PID/task/TID/stat}
 * @param syscall     the blocking system call's name, {@code running}, or null when unknown
 * @param waitKind    how soon it wakes by itself
 * @param wakesInMs   for {@link WaitKind#BOUNDED}, the longest it can take when readable; else null
 * @param waitDetail  e.g. "futex wait without timeout", "clock_nanosleep up to 10 ms"
 * @param exactBound  {@code wakesInMs} is the time left to an absolute deadline (CPython's own sleeps
 *                    and timed lock waits use one), not only an upper bound: a relative timeout tells
 *                    how long the wait was given, not how long ago it started
 */
record KernelThread(long tid, String name, char state, String syscall, WaitKind waitKind, Long wakesInMs,
                    String waitDetail, boolean exactBound) {

    KernelThread(long tid, String name, char state, String syscall, WaitKind waitKind, Long wakesInMs,
                 String waitDetail) {
        this(tid, name, state, syscall, waitKind, wakesInMs, waitDetail, false);
    }

    /**
     * Whether the kernel's view proves that this thread cannot reach a safe point by itself within
     * {@code ms}: blocked without a bound, or in a wait whose absolute deadline lies beyond it.
     * Everything else (running, unknown, a relative bound) may, so it is not ruled out.
     */
    boolean cannotWakeWithin(long ms) {
        return waitKind == WaitKind.UNBOUNDED
                || (waitKind == WaitKind.BOUNDED && exactBound && wakesInMs != null && wakesInMs > ms);
    }

    String kernelState() {
        return TaskState.stateName(state);
    }

    /** Lower is sooner; what "auto" sorts candidate threads by. */
    long urgency() {
        return switch (waitKind) {
            case RUNNING -> 0;
            case BOUNDED -> wakesInMs == null ? 1_000 : Math.max(1, wakesInMs);
            case UNKNOWN -> 60_000;
            case UNBOUNDED -> Long.MAX_VALUE;
        };
    }
}
