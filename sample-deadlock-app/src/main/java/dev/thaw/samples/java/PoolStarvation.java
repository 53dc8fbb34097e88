package dev.thaw.samples.java;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread-pool starvation: a report service runs each report on a fixed pool of two workers, and
 * each report renders its sections as sub-tasks on the same pool, then waits for them with
 * {@code Future.get()}. Two reports occupy both workers; their sections (and a third report) sit
 * in the pool's queue behind them, and no worker will ever be free to run them. Nothing is locked
 * and HotSpot reports no deadlock: every worker is WAITING in FutureTask.get, and the pool's queue
 * holds the work they wait for.
 *
 * <p>Deterministic without sleeping: a fixed pool starts a new worker for each of its first two
 * tasks, so both reports are running before any section is queued. {@link #start()} returns once
 * both workers are parked on a FutureTask and all three tasks are queued.
 */
public final class PoolStarvation {

    static final int WORKERS = 2;
    static final List<String> REPORTS = List.of("daily-sales", "inventory-aging", "payroll");

    /** The service's pool, reachable from its workers (and from here, as in a real service). */
    static volatile ThreadPoolExecutor reportPool;

    private PoolStarvation() {
    }

    public static void start() {
        List<Thread> workers = new CopyOnWriteArrayList<>();
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(WORKERS,
                named("report-worker-", workers));
        reportPool = pool;
        // Every report is submitted before any renders its sections (as when a batch of reports arrives at
        // once): otherwise a section submitted early can reach a free worker and that report completes.
        CountDownLatch allSubmitted = new CountDownLatch(1);
        for (String report : REPORTS) {
            pool.submit(() -> {
                allSubmitted.await();
                return generateReport(pool, report);
            });
        }
        allSubmitted.countDown();
        // queued for good: the reports that found no free worker, and one section per running report
        int starved = (REPORTS.size() - WORKERS) + WORKERS;
        Readiness.await("java-pool-starvation",
                () -> workers.size() == WORKERS && workers.stream().allMatch(t -> Readiness.parkedOn(t, Future.class))
                        && pool.getQueue().size() == starved,
                () -> Readiness.describe(workers) + "; queued tasks: " + pool.getQueue().size());
    }

    /** Renders a report: its sections are rendered in parallel on the same pool, then joined. */
    static String generateReport(ThreadPoolExecutor pool, String report) throws InterruptedException, ExecutionException {
        List<Future<String>> sections = new ArrayList<>();
        sections.add(pool.submit(() -> renderSection(report, "summary")));
        StringBuilder out = new StringBuilder(report).append('\n');
        for (Future<String> section : sections) {
            out.append(section.get()); // waits forever: the section is queued behind this very task
        }
        return out.toString();
    }

    static String renderSection(String report, String section) {
        return report + "/" + section + "\n";
    }

    private static ThreadFactory named(String prefix, List<Thread> created) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            created.add(t);
            return t;
        };
    }
}
