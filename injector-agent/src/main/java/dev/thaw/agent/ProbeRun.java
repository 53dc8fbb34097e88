package dev.thaw.agent;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One probe, from its request to its final status.
 *
 * <p>Takes the run-once guard ({@code claim}, created with O_EXCL: thaw takes it itself to cancel
 * a delivery, and two agents seeing the same request cannot both run it), defines the classes in a
 * fresh {@link ProbeLoader}, then runs the probe on its own daemon thread {@code thaw-probe-<id>}
 * while a second daemon thread enforces the timeout: at the deadline the probe is interrupted; if
 * it has not ended {@value #GRACE_MS} ms later (a thread blocked on a monitor ignores interrupts)
 * it is abandoned: reported as failed with the stack it is stuck in, its output closed, and left
 * to end on its own. Every Throwable is caught; nothing is printed anywhere but the directory.
 */
final class ProbeRun implements Runnable {

    static final long GRACE_MS = 500;

    private final Path dir;
    private final ProbeRequest request;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final long armedTid;
    private final long deliveredNs;
    private volatile boolean timedOut;
    private volatile long tid = -1;
    private volatile long runningNs;
    private ProbeLoader loader;
    private OutputSink sink;
    private Thread worker;

    private ProbeRun(Path dir, ProbeRequest request) {
        this.dir = dir;
        this.request = request;
        this.armedTid = Self.nativeTid();
        this.deliveredNs = System.nanoTime();
    }

    /**
     * Claims and starts the request in {@code dir}; returns at once.
     *
     * @return false when someone else had claimed it (thaw took it back, or another agent runs it)
     */
    static boolean claimAndStart(Path dir, ProbeRequest request) {
        try {
            Files.createFile(dir.resolve("claim"));
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            return false; // the directory is gone
        } catch (Throwable e) {
            return false;
        }
        if (!serverAlive(dir)) {
            return false; // the server that wrote the request is gone: nothing may run unrecorded
        }
        new ProbeRun(dir, request).start();
        return true;
    }

    /**
     * thaw holds an exclusive fcntl lock on the directory's {@code alive} file while it follows the
     * injection, and the kernel drops it when the server dies: a shared lock we can take means no
     * server. A directory without the file comes from a thaw that does not make one: alive.
     */
    static boolean serverAlive(Path dir) {
        Path alive = dir.resolve("alive");
        if (!Files.exists(alive, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(alive,
                java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            java.nio.channels.FileLock l = ch.tryLock(0, Long.MAX_VALUE, true);
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    private StatusFile base() {
        StatusFile s = new StatusFile().put("armedTid", armedTid > 0 ? Long.valueOf(armedTid) : null)
                .put("deliveredNs", deliveredNs);
        if (tid > 0) {
            s.put("tid", tid);
        }
        if (runningNs != 0) {
            s.put("runningNs", runningNs);
        }
        return s;
    }

    private void start() {
        if (!ThawAgent.PROTOCOL.equals(request.protocol)) {
            failStart("start", "IllegalStateException", "the thaw agent in this JVM reads requests of protocol "
                    + ThawAgent.PROTOCOL + ", this one is protocol " + request.protocol
                    + "; restart the JVM to load the current agent", null);
            return;
        }
        base().write(dir, "delivered");
        try {
            ClassLoader parent = parentLoader();
            Map<String, byte[]> classes = ProbeLoader.readBundle(dir.resolve(request.classesFile));
            loader = new ProbeLoader(parent, classes);
            sink = new OutputSink(dir, request.cap);
            worker = new Thread(this, "thaw-probe-" + request.id);
            worker.setDaemon(true);
            worker.setContextClassLoader(loader);
            worker.setUncaughtExceptionHandler(Quiet.HANDLER);
            Thread timer = new Thread(new Watchdog(this), "thaw-probe-" + request.id + "-timeout");
            timer.setDaemon(true);
            timer.setUncaughtExceptionHandler(Quiet.HANDLER);
            worker.start();
            timer.start();
        } catch (Throwable t) {
            failStart("start", t.getClass().getName(), "cannot start the probe: " + Traces.describe(t), Traces.of(t));
        }
    }

    /**
     * Loads and instantiates the probe class. On the probe's own thread, because the class's static
     * initializer is the probe's code too and must be under the timeout.
     */
    private Probe instantiate() throws Throwable {
        Class<?> c = Class.forName(request.probeClass, true, loader);
        if (!Probe.class.isAssignableFrom(c)) {
            throw new ClassCastException(c.getName() + " does not implement " + Probe.class.getName());
        }
        Constructor<?> ctor = c.getDeclaredConstructor();
        ctor.setAccessible(true);
        try {
            return (Probe) ctor.newInstance();
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() != null ? e.getCause() : e;
        }
    }

    /** The system loader, or the context loader of the thread the caller named (by Thread.getId()). */
    private ClassLoader parentLoader() {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (request.loaderThread < 0) {
            return system;
        }
        for (Thread t : allThreads()) {
            if (t.getId() == request.loaderThread) {
                ClassLoader l = t.getContextClassLoader();
                return l != null ? l : system;
            }
        }
        throw new IllegalArgumentException("no live thread with id " + request.loaderThread
                + " (its context class loader was to be the probe's parent)");
    }

    private static Thread[] allThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n;
        while ((n = root.enumerate(all, true)) == all.length) {
            all = new Thread[all.length * 2];
        }
        Thread[] out = new Thread[n];
        System.arraycopy(all, 0, out, 0, n);
        return out;
    }

    /** The probe's thread. */
    @Override
    public void run() {
        tid = Self.nativeTid();
        Probe probe;
        try {
            probe = instantiate();
        } catch (Throwable t) {
            sink.finish();
            failStart("start", t.getClass().getName(), "cannot start the probe: " + Traces.describe(t), Traces.of(t));
            return;
        }
        runningNs = System.nanoTime();
        synchronized (this) {
            if (!ended.get()) {
                base().write(dir, "running");
            }
        }
        Throwable failure = null;
        PrintWriter out = new PrintWriter(sink, false);
        try {
            probe.run(request.params, out);
        } catch (Throwable t) {
            failure = t;
        }
        long elapsed = System.nanoTime() - runningNs;
        out.flush();
        finish(failure, elapsed);
    }

    private void finish(Throwable failure, long elapsedNs) {
        if (!ended.compareAndSet(false, true)) {
            return; // abandoned after its timeout: the status says so already
        }
        sink.finish();
        StatusFile s = base().put("elapsedMs", elapsedNs / 1e6).put("outputBytes", sink.kept())
                .put("truncated", sink.dropped() > 0).put("droppedBytes", sink.dropped());
        String state = "completed";
        if (failure != null) {
            state = "failed";
            s.put("errorType", failure.getClass().getName())
                    .put("error", (timedOut ? "timed out after " + request.timeoutMs + " ms and interrupted: " : "")
                            + Traces.describe(failure))
                    .put("traceback", Traces.of(failure));
        }
        s.put("endedNs", System.nanoTime());
        synchronized (this) {
            s.write(dir, state);
        }
    }

    /** The timeout: interrupt, wait a little, then give up on the thread (it cannot be stopped safely). */
    void watch() throws InterruptedException {
        worker.join(request.timeoutMs);
        if (!worker.isAlive()) {
            return;
        }
        timedOut = true;
        worker.interrupt();
        worker.join(GRACE_MS);
        if (!worker.isAlive() || !ended.compareAndSet(false, true)) {
            return;
        }
        String where = Traces.ofThread(worker);
        sink.finish();
        long since = runningNs != 0 ? runningNs : deliveredNs;
        StatusFile s = base().put("elapsedMs", (System.nanoTime() - since) / 1e6).put("outputBytes", sink.kept())
                .put("truncated", sink.dropped() > 0).put("droppedBytes", sink.dropped())
                .put("errorType", "dev.thaw.agent.ProbeTimeout")
                .put("error", "timed out after " + request.timeoutMs + " ms; interrupted, but still running "
                        + GRACE_MS + " ms later (" + worker.getState() + "): abandoned. The thread "
                        + worker.getName() + " stays until it ends by itself; its output is no longer collected.")
                .put("traceback", where).put("endedNs", System.nanoTime());
        synchronized (this) {
            s.write(dir, "failed");
        }
    }

    private void failStart(String phase, String type, String message, String trace) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        StatusFile s = base().put("phase", phase).put("errorType", type).put("error", message)
                .put("traceback", trace).put("endedNs", System.nanoTime());
        synchronized (this) {
            s.write(dir, "failed");
        }
    }

    /** The timeout thread of one run. */
    static final class Watchdog implements Runnable {
        private final ProbeRun run;

        Watchdog(ProbeRun run) {
            this.run = run;
        }

        @Override
        public void run() {
            try {
                run.watch();
            } catch (Throwable ignored) {
                // interrupted by the application: the probe simply runs without a timeout
            }
        }
    }
}
