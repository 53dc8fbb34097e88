package dev.thaw.testing.jvm;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * A JVM that can never exit: main starts a non-daemon {@code flush-on-exit} thread that waits without a
 * timeout on a latch nobody counts down, prints its ready line once that thread is parked, and returns.
 * The JVM then waits in DestroyJavaVM for the non-daemon thread, forever.
 */
public final class NeverFinishes {

    private NeverFinishes() {
    }

    public static void main(String[] args) {
        CountDownLatch flushed = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                flushed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "flush-on-exit");
        t.start();
        while (t.getState() != Thread.State.WAITING) {
            LockSupport.parkNanos(1_000_000L);
        }
        TargetSupport.ready();
    }
}
