package dev.thaw.catalog.targets;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One JVM holding every situation the JVM catalog entries must name (JvmCatalogIT), each with
 * distinctive thread and class names:
 * <ul>
 *   <li>a ReentrantLock deadlock: {@code cat-rl-A} holds lock 1 and wants 2, {@code cat-rl-B} the reverse;</li>
 *   <li>a read-lock deadlock the JVM's detector misses: {@code cat-rw-reader} reads a
 *       ReentrantReadWriteLock and wants monitor {@link RwMonitor}, which {@code cat-rw-writer} holds while
 *       it waits to write that lock; and {@code cat-rw-upgrader}, which reads a second lock and asks to write it;</li>
 *   <li>an owner chain of three: {@code cat-chain-w1..4} and {@code cat-chain-1} wait for ReentrantLock L1
 *       held by {@code cat-chain-2}, which waits for monitor {@link ChainMonitor} held by {@code cat-chain-3},
 *       which sleeps in {@link #sleepAtChainEnd()};</li>
 *   <li>a starved fixed pool ({@code starved-pool-1/2}): both workers run a {@link ParentReport} that waits
 *       for the {@link QueuedReport} it queued behind itself, and a lambda of this class is queued too;</li>
 *   <li>a scheduled pool ({@code cat-sched-1}) with a {@link TickReport} in its delayed queue;</li>
 *   <li>a ForkJoinPool of two workers blocked on a latch with three {@link FjQueued} tasks queued;</li>
 *   <li>{@value #MARKERS} instances of {@link HistogramMarker};</li>
 *   <li>on JDK 21+: {@value #MAILBOX_VTHREADS} virtual threads of a thread-per-task executor waiting in
 *       {@link Mailbox#await()}, and {@value #GATE_VTHREADS} virtual threads {@code cat-vt-gate-N} waiting for
 *       ReentrantLock {@link VtGate} held by the platform thread {@code cat-vt-gatekeeper}, and {@code cat-vt-pinned},
 *       which waits in the static initializer of {@link PinnedInit} and so pins its carrier.</li>
 * </ul>
 * Prints {@code READY pid=... version=...} when every thread is where it should be.
 */
public final class CatalogTarget {

    public static final int MARKERS = 54321;
    public static final int MAILBOX_VTHREADS = 300;
    public static final int GATE_VTHREADS = 20;

    private static final Map<Thread, Thread.State> EXPECTED = new ConcurrentHashMap<>();
    private static final CountDownLatch NEVER = new CountDownLatch(1);
    private static final AtomicInteger FJ_NAMES = new AtomicInteger();
    static final List<Object> KEEP = new ArrayList<>();
    /** Set by PinnedInit's initializer (main must not touch PinnedInit: it would wait for that initializer). */
    static volatile boolean pinnedWaiting;

    private CatalogTarget() {
    }

    public static void main(String[] args) throws Exception {
        reentrantLockDeadlock();
        readLockDeadlock();
        readLockUpgrade();
        ownerChain();
        starvedPool();
        scheduledPool();
        forkJoinPool();
        HistogramMarker[] markers = new HistogramMarker[MARKERS];
        for (int i = 0; i < MARKERS; i++) {
            markers[i] = new HistogramMarker(i);
        }
        KEEP.add(markers);
        int vthreads = Runtime.version().feature() >= 21 ? virtualThreads() : 0;
        awaitStates();
        System.out.println("READY pid=" + ProcessHandle.current().pid() + " version=" + System.getProperty("java.version")
                + " vthreads=" + vthreads);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void reentrantLockDeadlock() {
        ReentrantLock one = new ReentrantLock();
        ReentrantLock two = new ReentrantLock();
        CountDownLatch both = new CountDownLatch(2);
        start("cat-rl-A", () -> {
            one.lock();
            both.countDown();
            await(both);
            two.lock();
        }, Thread.State.WAITING);
        start("cat-rl-B", () -> {
            two.lock();
            both.countDown();
            await(both);
            one.lock();
        }, Thread.State.WAITING);
    }

    private static void readLockDeadlock() throws InterruptedException {
        ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
        RwMonitor monitor = new RwMonitor();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        start("cat-rw-reader", () -> {
            rw.readLock().lock();
            reading.countDown();
            await(holding);
            synchronized (monitor) {
                throw new AssertionError("read-lock deadlock broke");
            }
        }, Thread.State.BLOCKED);
        reading.await();
        start("cat-rw-writer", () -> {
            synchronized (monitor) {
                holding.countDown();
                rw.writeLock().lock();
            }
        }, Thread.State.WAITING);
    }

    private static void readLockUpgrade() {
        ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
        start("cat-rw-upgrader", () -> {
            rw.readLock().lock();
            rw.writeLock().lock(); // never: a read lock cannot be upgraded
        }, Thread.State.WAITING);
    }

    private static void ownerChain() throws InterruptedException {
        ReentrantLock l1 = new ReentrantLock();
        ChainMonitor l2 = new ChainMonitor();
        CountDownLatch has3 = new CountDownLatch(1);
        CountDownLatch has2 = new CountDownLatch(1);
        start("cat-chain-3", () -> {
            synchronized (l2) {
                has3.countDown();
                sleepAtChainEnd();
            }
        }, Thread.State.TIMED_WAITING);
        has3.await();
        start("cat-chain-2", () -> {
            l1.lock();
            has2.countDown();
            synchronized (l2) {
                throw new AssertionError("chain broke");
            }
        }, Thread.State.BLOCKED);
        has2.await();
        start("cat-chain-1", l1::lock, Thread.State.WAITING);
        for (int i = 1; i <= 4; i++) {
            start("cat-chain-w" + i, l1::lock, Thread.State.WAITING);
        }
    }

    static void sleepAtChainEnd() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void starvedPool() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(2, named("starved-pool-"));
        CountDownLatch bothRunning = new CountDownLatch(2);
        pool.submit(new ParentReport(pool, bothRunning));
        pool.submit(new ParentReport(pool, bothRunning));
        bothRunning.await();
        while (((java.util.concurrent.ThreadPoolExecutor) pool).getQueue().size() < 2) {
            Thread.sleep(5);
        }
        pool.submit(() -> KEEP.add("a lambda of CatalogTarget, queued behind the parents"));
        KEEP.add(pool);
    }

    private static void scheduledPool() {
        ScheduledExecutorService sched = Executors.newScheduledThreadPool(1, named("cat-sched-"));
        sched.scheduleAtFixedRate(new TickReport(), 1, 1, TimeUnit.HOURS);
        sched.execute(() -> { }); // start the worker
        KEEP.add(sched);
    }

    private static void forkJoinPool() throws InterruptedException {
        ForkJoinPool fj = new ForkJoinPool(2, p -> {
            java.util.concurrent.ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("cat-fj-" + FJ_NAMES.incrementAndGet());
            return t;
        }, null, false);
        CountDownLatch blocked = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            fj.execute(() -> {
                blocked.countDown();
                await(NEVER);
            });
        }
        blocked.await();
        for (int i = 0; i < 3; i++) {
            fj.execute(new FjQueued());
        }
        KEEP.add(fj);
    }

    /** JDK 21+ through reflection (the test classes compile at --release 17). */
    private static int virtualThreads() throws Exception {
        ExecutorService perTask = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        AtomicInteger waiting = new AtomicInteger();
        for (int i = 0; i < MAILBOX_VTHREADS; i++) {
            perTask.submit(() -> {
                waiting.incrementAndGet();
                return Mailbox.await();
            });
        }
        KEEP.add(perTask);
        VtGate gate = new VtGate();
        CountDownLatch locked = new CountDownLatch(1);
        start("cat-vt-gatekeeper", () -> {
            gate.lock();
            locked.countDown();
            await(NEVER);
        }, Thread.State.WAITING);
        locked.await();
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        builder = Class.forName("java.lang.Thread$Builder$OfVirtual").getMethod("name", String.class, long.class)
                .invoke(builder, "cat-vt-gate-", 0L);
        Method startVirtual = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        for (int i = 0; i < GATE_VTHREADS; i++) {
            startVirtual.invoke(builder, (Runnable) () -> VtGate.pass(gate));
        }
        Object pinned = Class.forName("java.lang.Thread$Builder$OfVirtual").getMethod("name", String.class)
                .invoke(Thread.class.getMethod("ofVirtual").invoke(null), "cat-vt-pinned");
        startVirtual.invoke(pinned, (Runnable) () -> KEEP.add(new PinnedInit()));
        while (waiting.get() < MAILBOX_VTHREADS || gate.getQueueLength() < GATE_VTHREADS || !pinnedWaiting) {
            Thread.sleep(10);
        }
        Thread.sleep(200); // from "about to take" to parked
        return MAILBOX_VTHREADS + GATE_VTHREADS + 1;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void start(String name, Runnable r, Thread.State expected) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((th, e) -> { });
        EXPECTED.put(t, expected);
        t.start();
    }

    private static void awaitStates() throws InterruptedException {
        for (Map.Entry<Thread, Thread.State> e : EXPECTED.entrySet()) {
            while (e.getKey().getState() != e.getValue()) {
                Thread.sleep(5);
            }
        }
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The monitor of the read-lock deadlock. */
    static final class RwMonitor {
    }

    /** The monitor in the middle of the owner chain. */
    static final class ChainMonitor {
    }

    /** Runs on a starved worker and waits for a {@link QueuedReport} queued behind it. */
    static final class ParentReport implements Callable<String> {
        private final ExecutorService pool;
        private final CountDownLatch bothRunning;

        ParentReport(ExecutorService pool, CountDownLatch bothRunning) {
            this.pool = pool;
            this.bothRunning = bothRunning;
        }

        @Override
        public String call() throws Exception {
            bothRunning.countDown();
            bothRunning.await();
            Future<String> child = pool.submit(new QueuedReport());
            return child.get();
        }
    }

    /** The task that never runs: queued behind the parents that wait for it. */
    static final class QueuedReport implements Callable<String> {
        @Override
        public String call() {
            return "never";
        }
    }

    static final class TickReport implements Runnable {
        @Override
        public void run() {
        }
    }

    static final class FjQueued implements Runnable {
        @Override
        public void run() {
        }
    }

    /** The class the histogram must count. */
    static final class HistogramMarker {
        final int n;

        HistogramMarker(int n) {
            this.n = n;
        }
    }

    /** What the mailbox virtual threads wait in. */
    static final class Mailbox {
        static final LinkedBlockingQueue<String> QUEUE = new LinkedBlockingQueue<>();

        static String await() throws InterruptedException {
            return QUEUE.take();
        }
    }

    /**
     * Its static initializer waits forever: a virtual thread blocked in a class initializer stays mounted and
     * pins its carrier (still so on JDK 25, where monitors no longer pin).
     */
    static final class PinnedInit {
        static {
            pinnedWaiting = true;
            await(NEVER);
        }
    }

    /** The lock the gate virtual threads wait for. */
    static final class VtGate extends ReentrantLock {
        static void pass(VtGate gate) {
            gate.lock();
        }
    }
}
