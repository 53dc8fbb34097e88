package dev.thaw.jvm.attach;

import java.time.Duration;

/** A point in (monotonic) time that every blocking step of an operation counts down to. */
record Deadline(long nanoTime, Duration total) {

    static Deadline in(Duration d) {
        return new Deadline(System.nanoTime() + d.toNanos(), d);
    }

    long remainingMillis() {
        long ns = nanoTime - System.nanoTime();
        return ns <= 0 ? 0 : Math.max(1, ns / 1_000_000);
    }

    boolean expired() {
        return System.nanoTime() - nanoTime >= 0;
    }
}
