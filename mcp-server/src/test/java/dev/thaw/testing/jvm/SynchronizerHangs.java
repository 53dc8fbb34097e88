package dev.thaw.testing.jvm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * Target of jvm.synchronizers and jvm.threads (Java 8 source: it runs on every JDK from 8 on): one hang per class, each for good, with nothing else working (the main
 * thread joins, like a server's main waiting for its workers). {@code healthy} as the argument keeps a
 * "releaser" thread sleeping (TIMED_WAITING in application code) that would release everything later:
 * then no verdict may fire. Prints "READY pid=N" once every waiter is parked.
 *   a leaked permit   "upload-1", "upload-2" wait on UPLOAD_SLOTS; "leaky-upload" took the one permit and
 *                     returned early without release()
 *   a latch           "report-waiter" awaits REPORT_DONE (count 1); "report-worker" threw before countDown()
 *   a future          "quote-waiter" joins QUOTE, a CompletableFuture nothing will complete
 *   (jvm.threads)     the default uncaught-exception handler is a lambda that does nothing, and the
 *                     "quote-fetcher" that should have completed QUOTE died of an exception (kept in WORKERS);
 *                     healthy: the handler logs (LoggingHandler)
 */
public final class SynchronizerHangs {

    static final Semaphore UPLOAD_SLOTS = new Semaphore(1);
    static final CountDownLatch REPORT_DONE = new CountDownLatch(1);
    static final CompletableFuture<String> QUOTE = new CompletableFuture<>();
    static final java.util.List<Thread> WORKERS = new java.util.concurrent.CopyOnWriteArrayList<>();

    static final class LoggingHandler implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread t, Throwable e) {
            System.err.println("thread " + t.getName() + " died: " + e);
        }
    }

    public static void main(String[] args) throws Exception {
        boolean healthy = args.length > 0 && args[0].equals("healthy");
        if (healthy) {
            Thread.setDefaultUncaughtExceptionHandler(new LoggingHandler());
        } else {
            Thread.setDefaultUncaughtExceptionHandler((t, e) -> { });   // "keep the logs clean"
        }
        Thread fetcher = start("quote-fetcher", () -> {
            String quote = null;
            QUOTE.complete(quote.trim());        // NullPointerException: QUOTE is never completed
        });
        WORKERS.add(fetcher);
        fetcher.join();
        Thread leaky = start("leaky-upload", SynchronizerHangs::leakyUpload);
        leaky.join();
        Thread[] waiters = {
            start("upload-1", SynchronizerHangs::upload),
            start("upload-2", SynchronizerHangs::upload),
            start("report-waiter", () -> {
                try {
                    REPORT_DONE.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }),
            start("quote-waiter", QUOTE::join),
        };
        Thread worker = start("report-worker", SynchronizerHangs::buildReport);
        worker.join();
        if (healthy) {
            start("releaser", () -> {
                try {
                    Thread.sleep(3_600_000);    // a scheduled release, an hour away: alive all along
                } catch (InterruptedException e) {
                    return;
                }
                UPLOAD_SLOTS.release(2);
                REPORT_DONE.countDown();
                QUOTE.complete("ok");
            });
        }
        for (Thread w : waiters) {
            while (w.getState() != Thread.State.WAITING || LockSupport.getBlocker(w) == null) {
                Thread.sleep(5);
            }
        }
        TargetSupport.ready();
        for (Thread w : waiters) {
            w.join();
        }
    }

    static void leakyUpload() {
        UPLOAD_SLOTS.acquireUninterruptibly();
        if (UPLOAD_SLOTS.availablePermits() == 0) {
            return;                              // early return: the permit is never released
        }
        UPLOAD_SLOTS.release();
    }

    static void upload() {
        UPLOAD_SLOTS.acquireUninterruptibly();
        UPLOAD_SLOTS.release();
    }

    static void buildReport() {
        try {
            Object missing = null;
            missing.hashCode();                  // throws before countDown()
            REPORT_DONE.countDown();
        } catch (NullPointerException e) {
            // swallowed: the worker ends, the latch stays at 1
        }
    }

    static Thread start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
