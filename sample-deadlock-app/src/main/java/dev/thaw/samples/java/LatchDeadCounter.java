package dev.thaw.samples.java;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java-latch-dead-counter}: a service's start-up coordinator ({@code startup-coordinator},
 * non-daemon) waits on a {@link CountDownLatch} for its three cache loaders to report ready. Loader 2
 * fails on a missing configuration key and dies (an uncaught exception)
 * before its {@code countDown()}, which is not in a {@code finally}; the service's handler files the
 * error where nobody looks (nothing on stderr). Loaders 1 and 3 count down and
 * end. The latch stays at 1 forever: the coordinator never finishes start-up, and the JVM never exits.
 *
 * <p>No lock is held and nobody owns a latch, so HotSpot reports no deadlock; the dead loader is not
 * in any thread dump. The gap it left in the Java thread ids is the trace.
 */
public final class LatchDeadCounter {

    static final int LOADERS = 3;
    /** Where the service's error handler "logs" a dying thread: nowhere anyone looks. */
    static final List<String> FAILURES = new java.util.concurrent.CopyOnWriteArrayList<>();
    static final Map<String, String> CONFIG = Map.of("cache.users.size", "1000", "cache.orders.size", "5000");

    private LatchDeadCounter() {
    }

    public static void start() throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(LOADERS);
        Thread coordinator = new Thread(() -> awaitStartup(ready), "startup-coordinator");
        coordinator.start();
        List<Thread> loaders = new ArrayList<>();
        for (int i = 1; i <= LOADERS; i++) {
            String cache = i == 1 ? "users" : i == 2 ? "products" : "orders";
            Thread t = new Thread(() -> loadCache(cache, ready), "cache-loader-" + i);
            t.setUncaughtExceptionHandler((th, e) -> FAILURES.add(th.getName() + " died: " + e)); // a log file nobody reads
            loaders.add(t);
            t.start();
        }
        for (Thread t : loaders) {
            t.join();
        }
        Readiness.await("java-latch-dead-counter",
                () -> Readiness.parkedOn(coordinator, java.util.concurrent.locks.AbstractQueuedSynchronizer.class) && ready.getCount() == 1,
                () -> Readiness.describe(List.of(coordinator)) + "; latch count " + ready.getCount());
    }

    static void awaitStartup(CountDownLatch ready) {
        try {
            ready.await(); // BUG: no timeout, and nothing reports a loader that died
            System.out.println("started");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void loadCache(String cache, CountDownLatch ready) {
        int size = Integer.parseInt(requireKey("cache." + cache + ".size"));
        if (size < 0) {
            return;
        }
        ready.countDown(); // BUG: not in a finally: a loader that fails never counts down
    }

    static String requireKey(String key) {
        String v = CONFIG.get(key);
        if (v == null) {
            throw new IllegalStateException("missing configuration key " + key);
        }
        return v;
    }
}
