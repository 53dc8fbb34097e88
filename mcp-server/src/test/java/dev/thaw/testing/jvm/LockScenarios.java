package dev.thaw.testing.jvm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A JVM in a known lock state, for thread-dump tests. Arguments (any combination):
 * <ul>
 *   <li>{@code monitor}: T-A holds monitor A and wants B, T-B holds B and wants A (deadlock)</li>
 *   <li>{@code juc}: T-C holds ReentrantLock C and wants D, T-D holds D and wants C (deadlock)</li>
 *   <li>{@code waiter}: T-W is in Object.wait() on a monitor; T-H holds a monitor T-J blocks on</li>
 *   <li>{@code idle=N}: N more threads 20 frames deep; even ones hold a monitor and a
 *       ReentrantLock and park, odd ones sleep</li>
 *   <li>{@code main-joins}: main then joins T-A, so no application thread can run</li>
 * </ul>
 * Prints READY once every thread is in the state described.
 */
public final class LockScenarios {

    private static final List<Thread> WATCHED = new ArrayList<>();

    private LockScenarios() {
    }

    public static void main(String[] args) throws Exception {
        Thread first = null;
        int idle = 0;
        boolean mainJoins = false;
        for (String a : args) {
            if (a.equals("monitor")) {
                first = monitorDeadlock();
            } else if (a.equals("juc")) {
                Thread c = jucDeadlock();
                first = first == null ? c : first;
            } else if (a.equals("waiter")) {
                waiters();
            } else if (a.startsWith("idle=")) {
                idle = Integer.parseInt(a.substring(5));
            } else if (a.equals("main-joins")) {
                mainJoins = true;
            } else {
                throw new IllegalArgumentException(a);
            }
        }
        CountDownLatch idleReady = new CountDownLatch(idle);
        for (int i = 0; i < idle; i++) {
            int n = i;
            Thread t = new Thread(() -> deep(20, n, idleReady), "idle-" + i);
            t.setDaemon(true);
            t.start();
        }
        idleReady.await();
        awaitStates();
        TargetSupport.ready("threads=" + Thread.activeCount());
        if (mainJoins && first != null) {
            first.join();
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static Thread monitorDeadlock() {
        Object a = new MonitorA();
        Object b = new MonitorB();
        CountDownLatch both = new CountDownLatch(2);
        Thread ta = start("T-A", () -> {
            synchronized (a) {
                both.countDown();
                await(both);
                synchronized (b) {
                    throw new AssertionError("deadlock broke");
                }
            }
        }, Thread.State.BLOCKED);
        start("T-B", () -> {
            synchronized (b) {
                both.countDown();
                await(both);
                synchronized (a) {
                    throw new AssertionError("deadlock broke");
                }
            }
        }, Thread.State.BLOCKED);
        return ta;
    }

    private static Thread jucDeadlock() {
        ReentrantLock c = new ReentrantLock();
        ReentrantLock d = new ReentrantLock();
        CountDownLatch both = new CountDownLatch(2);
        Thread tc = start("T-C", () -> {
            c.lock();
            both.countDown();
            await(both);
            d.lock();
        }, Thread.State.WAITING);
        start("T-D", () -> {
            d.lock();
            both.countDown();
            await(both);
            c.lock();
        }, Thread.State.WAITING);
        return tc;
    }

    private static void waiters() {
        Object signal = new Object();
        start("T-W", () -> {
            synchronized (signal) {
                try {
                    signal.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, Thread.State.WAITING);
        Object held = new Object();
        CountDownLatch holding = new CountDownLatch(1);
        start("T-H", () -> {
            synchronized (held) {
                holding.countDown();
                LockSupport.park();
            }
        }, Thread.State.WAITING);
        await(holding);
        start("T-J", () -> {
            synchronized (held) {
                throw new AssertionError("T-H let go");
            }
        }, Thread.State.BLOCKED);
    }

    private static void deep(int depth, int n, CountDownLatch ready) {
        if (depth > 0) {
            deep(depth - 1, n, ready);
            return;
        }
        if (n % 2 == 0) {
            Object m = new Object();
            ReentrantLock l = new ReentrantLock();
            synchronized (m) {
                l.lock();
                ready.countDown();
                while (true) {
                    LockSupport.park();
                }
            }
        }
        ready.countDown();
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread start(String name, Runnable r, Thread.State expected) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        synchronized (WATCHED) {
            WATCHED.add(t);
        }
        t.setUncaughtExceptionHandler((th, e) -> { });
        EXPECTED.put(t, expected);
        return t;
    }

    private static final java.util.Map<Thread, Thread.State> EXPECTED = new java.util.concurrent.ConcurrentHashMap<>();

    private static void awaitStates() throws InterruptedException {
        for (java.util.Map.Entry<Thread, Thread.State> e : EXPECTED.entrySet()) {
            while (e.getKey().getState() != e.getValue()) {
                Thread.sleep(5);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Named classes so the dump says "(a ...MonitorA)". */
    static final class MonitorA {
    }

    static final class MonitorB {
    }
}
