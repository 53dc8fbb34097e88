package dev.thaw.samples.java;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Two threads take two monitors in opposite order. Each holds one and waits forever for the other:
 * a classic lock-ordering deadlock. Deterministic: a latch makes both hold their first lock before
 * either tries the second. {@link #start()} returns once both threads are BLOCKED on the other's
 * monitor, which can only happen once each holds its first one: the deadlock is then complete.
 */
public final class MonitorLockOrdering {

    static final Object ACCOUNTS = new Object();
    static final Object LEDGER = new Object();

    private MonitorLockOrdering() {
    }

    public static void start() {
        CountDownLatch bothHoldFirst = new CountDownLatch(2);
        Thread transfer = new Thread(() -> transfer(bothHoldFirst), "transfer-worker");
        Thread audit = new Thread(() -> audit(bothHoldFirst), "audit-worker");
        transfer.start();
        audit.start();
        List<Thread> both = List.of(transfer, audit);
        Readiness.await("java-monitor-lock-ordering",
                () -> transfer.getState() == Thread.State.BLOCKED && audit.getState() == Thread.State.BLOCKED,
                () -> Readiness.describe(both));
    }

    static void transfer(CountDownLatch latch) {
        synchronized (ACCOUNTS) {
            awaitQuietly(latch);
            synchronized (LEDGER) {
                System.out.println("transfer done"); // never reached
            }
        }
    }

    static void audit(CountDownLatch latch) {
        synchronized (LEDGER) {
            awaitQuietly(latch);
            synchronized (ACCOUNTS) {
                System.out.println("audit done"); // never reached
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        latch.countDown();
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
