package dev.thaw.testing.jvm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Target of jvm.executors' verdicts (Java 8 source: it runs on every JDK from 8 on). Arguments:
 * <ul>
 *   <li>{@code starved}: a fixed pool of two "render-N" workers, each running a task that submits a part to the
 *       same pool and waits for it with Future.get(): the parts are queued behind the tasks waiting for them
 *       (pool-starvation)</li>
 *   <li>{@code saturated}: a fixed pool of two "upload-N" workers, each waiting without a timeout on a gate
 *       nothing opens, while three more tasks are queued (pool-saturated)</li>
 *   <li>{@code busy}: a fixed pool of two "crunch-N" workers, each at work (a timed sleep standing for a long
 *       computation) while three more tasks are queued: a backlog, not a hang; no verdict may fire</li>
 * </ul>
 * Prints the ready line once the workers are in place and the tasks queued.
 */
public final class PoolHangs {

    private PoolHangs() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "starved";
        List<Thread> workers = new CopyOnWriteArrayList<Thread>();
        final ThreadPoolExecutor pool;
        if (mode.equals("starved")) {
            pool = pool("render-", workers);
            for (int i = 0; i < 2; i++) {
                final int n = i;
                pool.submit(() -> render(pool, n));
            }
            awaitWorkers(workers, pool, 2, Thread.State.WAITING);
        } else if (mode.equals("saturated")) {
            pool = pool("upload-", workers);
            for (int i = 0; i < 5; i++) {
                pool.submit(PoolHangs::uploadThroughGate);
            }
            awaitWorkers(workers, pool, 3, Thread.State.WAITING);
        } else {
            pool = pool("crunch-", workers);
            for (int i = 0; i < 5; i++) {
                pool.submit(PoolHangs::crunch);
            }
            awaitWorkers(workers, pool, 3, Thread.State.TIMED_WAITING);
        }
        TargetSupport.ready();
        Thread.sleep(Long.MAX_VALUE);
    }

    static String render(ExecutorService pool, int n) throws Exception {
        Future<String> part = pool.submit(() -> "part " + n);
        return part.get();                       // waits forever: the part is queued behind this very task
    }

    static void uploadThroughGate() {
        LockSupport.park(GATE);                  // a gate nothing opens, waited on without a timeout
    }

    static final Object GATE = new Object();

    static void crunch() {
        try {
            Thread.sleep(3_600_000);             // an hour of work
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadPoolExecutor pool(String prefix, List<Thread> created) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            created.add(t);
            return t;
        };
        return (ThreadPoolExecutor) Executors.newFixedThreadPool(2, f);
    }

    private static void awaitWorkers(List<Thread> workers, ThreadPoolExecutor pool, int queued, Thread.State state)
            throws InterruptedException {
        while (true) {
            List<Thread> ready = new ArrayList<Thread>();
            for (Thread t : workers) {
                if (t.getState() == state) {
                    ready.add(t);
                }
            }
            if (ready.size() == 2 && pool.getQueue().size() == queued) {
                return;
            }
            Thread.sleep(5);
        }
    }
}
