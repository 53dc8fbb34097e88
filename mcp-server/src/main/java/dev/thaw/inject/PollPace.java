package dev.thaw.inject;

import java.util.concurrent.locks.LockSupport;

/**
 * How often a waiter looks at the target's status: fast while a reply is likely within
 * milliseconds, slower for long waits (every look costs a few system calls on both sides).
 */
final class PollPace {

    private final long start = System.nanoTime();

    /** Sleeps one step, never past {@code deadline}. */
    void pause(long deadline) {
        long since = System.nanoTime() - start;
        long pause = since < 150_000_000L ? 200_000L
                : since < 1_000_000_000L ? 1_000_000L
                : since < 5_000_000_000L ? 5_000_000L : 20_000_000L;
        long left = deadline - System.nanoTime();
        LockSupport.parkNanos(Math.max(10_000L, Math.min(pause, left)));
    }
}
