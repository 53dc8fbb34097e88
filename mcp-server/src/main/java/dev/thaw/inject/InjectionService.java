package dev.thaw.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.TargetGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The injection lifecycle, the same for every runtime: identify the target, record the script
 * (write-ahead, through the {@link InjectionListener}), ask the {@link ApprovalGate}, wait for
 * earlier injections into the same process, create the private directory, let the
 * {@link RuntimeInjector} write its payload and arm the target, then follow {@code status.json}
 * until the script ends or the caller's wait does.
 *
 * <p><b>States.</b> An injection moves only along the edges of {@link InjectionState}'s diagram
 * ({@link Injection#moveTo}); {@link #end} is the one way to a state after which nothing happens,
 * and cleans up everything on the way.
 *
 * <p><b>Serialization.</b> One delivery at a time per process (pid + start time), across the thaw
 * servers of this user ({@link TargetLocks}): the next one is
 * armed only after the previous one was picked up (or taken back). A script that outlives its wait
 * keeps running on its own thread and does not block later injections.
 *
 * <p><b>Files.</b> A directory lives only while its script can still write into it: when the script
 * ends, thaw reads the output into memory (for read_output) and removes the directory at once. A
 * delivery that never started is taken back (the run-once guard taken by thaw, the armed threads
 * disarmed) and its directory removed. On server exit every directory is removed; directories of a
 * crashed server are removed at the next start ({@link InjectionDirs}).
 *
 * <p><b>Outputs</b> of the last {@value RetainedInjections#RETAINED} injections stay readable
 * ({@link RetainedInjections}); scripts that outlive their wait are followed by the
 * {@link InjectionReaper}.
 */
public final class InjectionService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InjectionService.class);

    /** Output bytes returned by {@link #inject} itself; the rest is paged with {@link #readOutput}. */
    public static final int PREVIEW_BYTES = 16 * 1024;
    public static final int MAX_PAGE_BYTES = 1 << 20;
    private static final long REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long PROGRESS_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final long CLOSE_WAIT_MS = 3000;
    private static final long ALIVE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ProcFs proc;
    private final List<RuntimeInjector> injectors;
    private final InjectionDirs dirs;
    private final String salt = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    private final RetainedInjections injections = new RetainedInjections("-" + salt);
    private final TargetLocks targetLocks;
    private final InjectionReaper reaper;
    private final AtomicLong seq = new AtomicLong();
    private final Thread shutdownHook;
    private volatile InjectionListener listener = InjectionListener.NONE;
    private volatile ApprovalGate gate = ApprovalGate.APPROVE_ALL;
    private volatile boolean closed;

    /**
     * Starts the service: removes what a crashed server left behind (in the background, on the
     * directories' sweep thread) and makes sure this one leaves nothing behind at exit (a shutdown
     * hook).
     */
    public static InjectionService start(ProcFs proc, List<RuntimeInjector> injectors, InjectionDirs dirs) {
        InjectionService s = new InjectionService(proc, injectors, dirs);
        dirs.sweepStaleLater();
        return s;
    }

    InjectionService(ProcFs proc, List<RuntimeInjector> injectors, InjectionDirs dirs) {
        this.proc = proc;
        this.injectors = List.copyOf(injectors);
        this.dirs = dirs;
        this.targetLocks = new TargetLocks(proc);
        this.reaper = new InjectionReaper(injections::lingering, inj -> {
            synchronized (inj) {
                advance(inj);
            }
        }, targetLocks::prune);
        this.shutdownHook = new Thread(this::close, "thaw-inject-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Where the session log hears about injections. */
    public void setListener(InjectionListener listener) {
        this.listener = listener == null ? InjectionListener.NONE : listener;
    }

    /** What decides whether an injection may be delivered (default: approve all). */
    public void setApprovalGate(ApprovalGate gate) {
        this.gate = gate == null ? ApprovalGate.APPROVE_ALL : gate;
    }

    public InjectionDirs dirs() {
        return dirs;
    }

    /**
     * Injects and waits up to the request's timeout.
     *
     * @return the state and the first {@value #PREVIEW_BYTES} bytes of output; {@code timed_out},
     *         {@code target_exited} and {@code failed} are results, not exceptions
     * @throws ThawException refusals before anything was delivered (not a supported runtime,
     *                       remote debugging disabled, not approved, ...)
     */
    public InjectionResult inject(InjectionRequest request, ProgressSink progress) {
        ensureOpen();
        ProgressSink sink = progress == null ? ProgressSink.NONE : progress;
        long start = System.nanoTime();
        RuntimeInjector injector = null;
        TargetIdentity target = null;
        // Kernel threads, thaw itself, and stopped, traced or frozen processes (which cannot pick a
        // script up) are refused before any runtime is looked for or anything is armed.
        new TargetGuard(proc).checkRunnable(request.pid(), "inject into");
        for (RuntimeInjector ri : injectors) {
            Optional<TargetIdentity> t = ri.identify(request.pid());
            if (t.isPresent()) {
                injector = ri;
                target = t.get();
                break;
            }
        }
        if (target == null) {
            if (!proc.exists(request.pid())) {
                // Identifying reads /proc/PID first, so a wrong pid usually ends there, with the same wording.
                throw new ProcessGoneException(request.pid());
            }
            throw new ThawException(ErrorCode.UNSUPPORTED_RUNTIME, "Process " + request.pid() + " is not a runtime thaw can "
                    + "inject into (CPython 3.14 or 3.15, or a HotSpot JVM).", "Check the pid with list_processes (CLI: thaw ps).");
        }
        checkRuntime(request, injector);
        String id = "inj" + seq.incrementAndGet() + "-" + salt;
        QueuedInjection record = new QueuedInjection(id, target, request.code(), sha256(request.code()),
                request.params(), request.thread().wire(), request.mode().wire(), request.timeout().toMillis(),
                request.hypothesis(), IsoInstant.now(), request.catalogId());
        Injection inj = new Injection(id, request, target, injector, record, start);
        injections.add(inj);
        emit(() -> listener.queued(record));

        ApprovalDecision decision;
        try {
            decision = gate.review(record);
        } catch (ThawException e) {
            decision = ApprovalDecision.deny("gate", e.getMessage());
            ApprovalDecision d = decision;
            emit(() -> listener.approval(id, d));
            synchronized (inj) {
                end(inj, InjectionState.CANCELLED, "not approved: " + e.getMessage());
            }
            throw e;
        }
        ApprovalDecision d = decision;
        emit(() -> listener.approval(id, d));
        if (!decision.approved()) {
            synchronized (inj) {
                end(inj, InjectionState.CANCELLED, "not approved by " + decision.by()
                        + (decision.reason() == null ? "" : ": " + decision.reason()));
            }
            throw new ThawException(ErrorCode.NOT_APPROVED, "Injection " + id + " was not approved (" + decision.by() + ")"
                    + (decision.reason() == null ? "." : ": " + decision.reason()),
                    "Nothing ran. Change the approval policy (thaw serve --approve) or approve the request.");
        }
        // The wait starts after approval: a person answering does not eat the script's time.
        long deadline = System.nanoTime() + request.timeout().toNanos();
        drive(inj, deadline, sink);
        return InjectionResults.of(inj);
    }

    /** Code written for one runtime never reaches a process of another (Python source in a JVM, say). */
    private static void checkRuntime(InjectionRequest request, RuntimeInjector injector) {
        if (request.runtime() == null || request.runtime().equals(injector.runtime())) {
            return;
        }
        String what = request.catalogId() != null ? "Diagnostic " + request.catalogId() + " is for "
                + RuntimeNames.describe(request.runtime()) : "The code is " + RuntimeNames.language(request.runtime());
        throw new ThawException(ErrorCode.RUNTIME_MISMATCH, what + ", but process " + request.pid() + " is "
                + RuntimeNames.describe(injector.runtime()) + "; nothing ran.",
                request.catalogId() != null
                        ? "Pick a diagnostic for " + injector.runtime() + " (list_diagnostics runtime=" + injector.runtime() + ")."
                        : "Send " + RuntimeNames.language(injector.runtime()) + " (language \"" + RuntimeNames.languageName(injector.runtime())
                        + "\") to this process, or pick the right pid with list_processes.");
    }

    /** The current result of an injection, without waiting. */
    public InjectionResult status(String id) {
        Injection inj = injections.find(id);
        synchronized (inj) {
            advance(inj);
        }
        return InjectionResults.of(inj);
    }

    /**
     * A page of output. With {@code wait} > 0, first waits (up to that long) for the injection to
     * end, so a caller can collect a timed-out script's late result.
     */
    public OutputPage readOutput(String id, long offset, int maxBytes, Duration wait) {
        if (offset < 0) {
            throw InjectionRequest.invalid("offset", "must be 0 or more");
        }
        int max = Math.max(16, Math.min(maxBytes <= 0 ? PREVIEW_BYTES : maxBytes, MAX_PAGE_BYTES));
        Injection inj = injections.find(id);
        if (wait != null && !wait.isZero() && !wait.isNegative()) {
            long deadline = System.nanoTime() + wait.toNanos();
            PollPace backoff = new PollPace();
            while (true) {
                synchronized (inj) {
                    advance(inj);
                    if (inj.ended()) {
                        break;
                    }
                }
                if (System.nanoTime() >= deadline) {
                    break;
                }
                backoff.pause(deadline);
            }
        }
        synchronized (inj) {
            advance(inj);
            byte[] bytes = InjectionResults.currentOutput(inj);
            int from = (int) Math.min(offset, bytes.length);
            int to = Utf8.cut(bytes, from, bytes.length, max);
            boolean finished = inj.ended();
            boolean complete = finished && to >= bytes.length;
            TargetStatus st = inj.status;
            return new OutputPage(id, inj.state().wire(), from, to, bytes.length, Utf8.decode(bytes, from, to), complete,
                    st != null && st.truncated(), st == null ? 0 : st.droppedBytes(), st == null ? null : st.error(),
                    complete && st != null ? st.traceback() : null, finished ? Verdicts.parse(bytes) : null);
        }
    }

    // ---------------------------------------------------------------- the lifecycle

    private void drive(Injection inj, long deadline, ProgressSink progress) {
        // The target was identified a moment ago; only after waiting for an earlier injection is it
        // worth asking again whether it still lives (each look at /proc costs, before arming).
        TargetLocks.Turn turn = targetLocks.tryAcquire(inj.target);
        boolean waited = turn == null;
        if (waited) {
            turn = targetLocks.acquire(inj.target, deadline, otherServer -> progress.progress(
                    (System.nanoTime() - inj.startNanos) / 1e6, inj.request.timeout().toMillis(),
                    "queued behind an earlier injection into process " + inj.target.pid()
                            + (otherServer ? " by another thaw server" : "")));
        }
        if (turn == null) {
            synchronized (inj) {
                inj.notes.add("An earlier injection into this process (by this or another thaw server) was still being"
                        + " delivered for the whole wait.");
                end(inj, InjectionState.TIMED_OUT, "still queued behind an earlier injection into process "
                        + inj.target.pid() + " after " + seconds(inj.request.timeout()) + "; nothing was delivered");
            }
            return;
        }
        synchronized (inj) {
            inj.turn = turn;
            if (inj.ended()) {
                releaseTurn(inj); // the server shut down while this one waited for its turn: nothing is armed
                return;
            }
            try {
                if (waited && !inj.target.alive(proc)) {
                    end(inj, InjectionState.TARGET_EXITED, "the process exited before delivery");
                    return;
                }
                inj.dir = dirs.create(inj.target, inj.id, inj.request.outputCap());
                inj.injector.writePayload(inj.target, inj.dir, inj.id, inj.request);
                inj.dir.handOver(); // all thaw writes before delivery is written: now the target's user gets it
                inj.delivery = inj.injector.deliver(inj.target, inj.dir, inj.request);
                PendingReport never = inj.delivery.undeliverable();
                if (never != null) {
                    // Nothing was armed; thaw takes the run-once guard too, so the payload could not run
                    // even if something had, and end() removes it.
                    inj.dir.claim();
                    inj.pending = never;
                    end(inj, InjectionState.UNDELIVERABLE, "no thread can reach a safe point within "
                            + seconds(inj.request.timeout()) + "; nothing was armed and the script was removed");
                    return;
                }
                inj.armedTids = inj.delivery.armedTids();
                inj.notes.addAll(inj.delivery.notes());
                inj.armedNanos = System.nanoTime();
                LOG.debug("{}: {}", inj.id, inj.delivery.describe());
            } catch (ProcessGoneException e) {
                end(inj, InjectionState.TARGET_EXITED, "the process exited during delivery");
                return;
            } catch (RuntimeException e) {
                // A refusal found only now (e.g. no main thread): nothing was armed, nothing can run.
                end(inj, InjectionState.CANCELLED, "not delivered: " + e.getMessage());
                throw e;
            }
        }
        PollPace backoff = new PollPace();
        long nextRefresh = System.nanoTime() + REFRESH_NANOS;
        long nextProgress = System.nanoTime() + PROGRESS_NANOS / 2;
        while (true) {
            synchronized (inj) {
                advance(inj);
                if (inj.ended()) {
                    return;
                }
                long now = System.nanoTime();
                if (now >= deadline) {
                    timeout(inj);
                    return;
                }
                if (!inj.pickedUp() && inj.delivery != null && now >= nextRefresh) {
                    refresh(inj);
                    nextRefresh = now + REFRESH_NANOS;
                }
                if (now >= nextProgress) {
                    progress.progress((now - inj.startNanos) / 1e6, inj.request.timeout().toMillis(), describeWait(inj));
                    nextProgress = now + PROGRESS_NANOS;
                }
            }
            backoff.pause(deadline);
        }
    }

    /** Reads the target's news and moves the state machine. Caller holds the monitor. */
    private void advance(Injection inj) {
        if (inj.ended() || inj.dir == null) {
            return;
        }
        if (inj.dir.tampered() != null) {
            tampered(inj);
            return;
        }
        // Until the first status, most looks find none: ask cheaply first.
        Optional<byte[]> raw = inj.lastStatusBytes == null && !inj.dir.present(InjectionDir.STATUS) ? Optional.empty()
                : inj.dir.read(InjectionDir.STATUS, StatusFile.MAX_BYTES);
        // Parse only what changed: polling is frequent, new statuses are rare.
        if (raw.isPresent() && !java.util.Arrays.equals(raw.get(), inj.lastStatusBytes)) {
            inj.lastStatusBytes = raw.get();
            Optional<TargetStatus> st = StatusFile.parse(raw.get());
            if (st.isPresent()) {
                apply(inj, st.get());
                if (inj.ended()) {
                    return;
                }
            }
        }
        // Whether the target lives is asked less often than the status: each /proc read costs.
        long now = System.nanoTime();
        if (now - inj.aliveCheckedNanos >= ALIVE_CHECK_NANOS) {
            inj.aliveCheckedNanos = now;
            if (!inj.pickedUp() && inj.status == null && inj.dir.claimTaken()) {
                // Picked up, no status yet (the target writes none before its script runs): its
                // script thread has not started, or is about to write 'running'.
                afterClaim(inj);
                transition(inj, InjectionState.DELIVERED, "picked up; the script has not started yet");
            }
            if (!inj.target.alive(proc)) {
                // One more look: it may have finished just before it exited.
                inj.lastStatusBytes = null;
                Optional<TargetStatus> last = StatusFile.read(inj.dir);
                if (last.isPresent()) {
                    apply(inj, last.get());
                }
                if (!inj.ended()) {
                    targetExited(inj);
                }
            }
        }
    }

    /** Something other than a regular file sits where the target's code writes one: stop reading there. */
    private void tampered(Injection inj) {
        String what = inj.dir.tampered();
        LOG.warn("{}: injection directory {} tampered with: {}", inj.id, inj.dir.hostPath(), what);
        if (!inj.pickedUp() && !inj.dir.claim()) { // taken back if nothing picked it up yet
            transition(inj, InjectionState.DELIVERED, "picked up (its directory was then tampered with)");
        }
        inj.status = TargetStatus.tampered(what, inj.status);
        inj.notes.add("thaw reads only regular files from an injection directory and never waits on one: a link, "
                + "FIFO, socket or device there means someone (the script, the target, or another process of its "
                + "user) changed the directory. Look at what the script does with its files, or who else runs as "
                + "the target's user.");
        collect(inj);
        end(inj, InjectionState.FAILED, "tampered: " + what);
    }

    private void apply(Injection inj, TargetStatus st) {
        inj.status = st;
        if (!inj.pickedUp()) {
            afterClaim(inj);
            transition(inj, InjectionState.DELIVERED, "picked up by thread " + st.armedTid() + mainHint(inj, st.armedTid()));
        }
        InjectionState to = st.state();
        boolean compileOrStartFailure = to == InjectionState.FAILED && st.phase() != null;
        if (inj.state() == InjectionState.DELIVERED && (to == InjectionState.RUNNING
                || (to.isFinal() && !compileOrStartFailure))) {
            transition(inj, InjectionState.RUNNING, "script running on thread " + st.tid()
                    + (inj.request.mode() == InjectionMode.INLINE ? " (inline, the interrupted thread)" : " (its own thread)"));
        }
        if (to == InjectionState.COMPLETED || to == InjectionState.FAILED) {
            inj.observedNanos = System.nanoTime();
            collect(inj);
            String detail = to == InjectionState.COMPLETED ? "completed" + (st.elapsedMs() == null ? "" : " in "
                    + st.elapsedMs() + " ms") : (compileOrStartFailure ? "failed to " + st.phase() + ": " : "failed: ")
                    + firstLine(st.error());
            end(inj, to, detail);
        }
    }

    /** The payload started: take back the other armed threads and let the next injection in. */
    private void afterClaim(Injection inj) {
        Delivery d = inj.delivery;
        if (d != null) {
            inj.delivery = null;
            try {
                d.disarmAfterPickup(inj.status == null ? null : inj.status.armedTid());
            } catch (RuntimeException e) {
                LOG.debug("{}: disarm failed: {}", inj.id, e.toString());
            } finally {
                d.close();
            }
        }
        releaseTurn(inj);
    }

    private void refresh(Injection inj) {
        try {
            inj.delivery.refresh();
            inj.armedTids = inj.delivery.armedTids();
        } catch (ProcessGoneException e) {
            targetExited(inj);
        } catch (RuntimeException e) {
            LOG.debug("{}: refresh failed: {}", inj.id, e.toString());
        }
    }

    private void timeout(Injection inj) {
        inj.aliveCheckedNanos = 0; // a last full look, the target's life included
        advance(inj);
        if (inj.ended()) {
            return;
        }
        String waited = seconds(inj.request.timeout());
        if (!inj.pickedUp()) {
            PendingReport report = pendingReport(inj);
            if (inj.dir.claim()) {
                // thaw holds the run-once guard now: the bootstrap can never run, even if a thread wakes.
                inj.pending = report;
                closeDelivery(inj, true);
                inj.notes.add("Taken back: the armed threads were disarmed and the script will not run later.");
                end(inj, InjectionState.TIMED_OUT, "not delivered within " + waited + " (no armed thread reached a "
                        + "safe point); taken back, it will not run");
                return;
            }
            // The target took it a moment ago; its status, if already there, says by which thread.
            afterClaim(inj);
            advance(inj);
            if (inj.ended()) {
                return;
            }
            if (!inj.pickedUp()) {
                transition(inj, InjectionState.DELIVERED, "picked up just before the wait ended");
            }
        }
        String custom = inj.injector.stillRunningNote(inj.request, inj.status == null ? null : inj.status.tid());
        inj.notes.add(custom != null ? custom : "The script is still running" + (inj.status != null && inj.status.tid() != null
                ? " on thread " + inj.status.tid() : "") + ". Python cannot stop a thread from outside, so thaw leaves it "
                + "running" + (inj.request.mode() == InjectionMode.INLINE
                ? "; in inline mode it holds the interrupted application thread until it ends"
                : " on its own daemon thread; the application's threads are not blocked by it")
                + ". Its output is still collected if it ends: read_output with wait_s. Later injections work regardless.");
        transition(inj, InjectionState.TIMED_OUT, "still running after " + waited);
        reaper.watch();
    }

    private PendingReport pendingReport(Injection inj) {
        try {
            return inj.delivery == null ? null : inj.delivery.pending();
        } catch (RuntimeException e) {
            return new PendingReport("The armed threads cannot be inspected: " + e.getMessage(), List.of(), List.of());
        }
    }

    private void targetExited(Injection inj) {
        if (inj.ended()) {
            return;
        }
        closeDelivery(inj, false);
        collect(inj);
        end(inj, InjectionState.TARGET_EXITED, "process " + inj.target.pid() + " exited "
                + (inj.pickedUp() ? "while the script ran" : "before any thread picked the script up"));
    }

    /** Reads the output into memory and removes the directory. */
    private void collect(Injection inj) {
        if (inj.output != null || inj.dir == null) {
            return;
        }
        int cap = (int) Math.min(inj.request.outputCap(), Integer.MAX_VALUE - 16);
        byte[] out = inj.dir.read(InjectionDir.OUTPUT, cap).orElseGet(() ->
                inj.dir.read(InjectionDir.OUTPUT_PART, cap).orElse(new byte[0]));
        inj.output = out;
        try {
            inj.injector.harvest(inj.target, inj.dir, inj.status);
        } catch (RuntimeException e) {
            LOG.debug("{}: harvest failed: {}", inj.id, e.toString());
        }
        removeDir(inj);
        TargetStatus st = inj.status;
        // Announced by end(), after the state change it belongs to.
        inj.finalOutput = new InjectionOutput(inj.id, st == null ? inj.state() : st.state(), out, sha256(out),
                st != null && st.truncated(), st == null ? 0 : st.droppedBytes(), st == null ? null : st.error(),
                st == null ? null : st.traceback());
    }

    /**
     * Moves to a state from which nothing more will happen (a final one, or timed_out for a script
     * never picked up), cleaning up everything first: armed threads, directory, turn.
     */
    private void end(Injection inj, InjectionState to, String detail) {
        if (to == InjectionState.TARGET_EXITED) {
            inj.injector.forget(inj.target);
        }
        closeDelivery(inj, true);
        removeDir(inj);
        releaseTurn(inj);
        if (inj.ended()) {
            // Abandoned by the server's shut-down while a caller's thread still drove it: nothing more to record.
            inj.notifyAll();
            return;
        }
        transition(inj, to, detail);
        if (!inj.ended()) {
            throw new IllegalStateException("injection " + inj.id + ": " + to.wire() + " is not an end here");
        }
        InjectionOutput o = inj.finalOutput;
        if (o != null) {
            inj.finalOutput = null;
            InjectionOutput withState = new InjectionOutput(o.id(), to, o.output(), o.sha256(), o.truncated(),
                    o.droppedBytes(), o.error(), o.traceback());
            emit(() -> listener.output(withState));
        }
        inj.notifyAll();
    }

    /** One move of the state machine, logged and told to the listener. Caller holds the monitor. */
    private void transition(Injection inj, InjectionState to, String detail) {
        StatusChange change = inj.moveTo(to, detail);
        LOG.debug("{}: {} -> {} ({})", inj.id, change.from().wire(), to.wire(), detail);
        emit(() -> listener.statusChanged(change));
    }

    private void closeDelivery(Injection inj, boolean disarm) {
        Delivery d = inj.delivery;
        if (d == null) {
            return;
        }
        inj.delivery = null;
        try {
            if (disarm) {
                d.disarm();
            }
        } catch (RuntimeException e) {
            LOG.debug("{}: disarm failed: {}", inj.id, e.toString());
        } finally {
            d.close();
        }
    }

    private void removeDir(Injection inj) {
        if (inj.dir != null && inj.output == null && !inj.pickedUp()) {
            inj.output = new byte[0];
        }
        if (inj.dir != null) {
            dirs.remove(inj.dir);
            inj.dir = null;
        }
    }

    private static void releaseTurn(Injection inj) {
        TargetLocks.Turn t = inj.turn;
        if (t != null) {
            inj.turn = null;
            t.close();
        }
    }

    private String describeWait(Injection inj) {
        return switch (inj.state()) {
            case QUEUED -> {
                PendingReport p = pendingReport(inj);
                yield p == null ? "waiting for delivery" : p.summary();
            }
            case DELIVERED -> "delivered; starting the script";
            case RUNNING -> "script running" + (inj.status != null && inj.status.tid() != null
                    ? " on thread " + inj.status.tid() : "");
            default -> inj.state().wire();
        };
    }

    /** Thread ids in statuses are the target's own (its PID namespace's): its main thread has its own pid. */
    private String mainHint(Injection inj, Long tid) {
        if (tid == null) {
            return "";
        }
        try {
            return tid == proc.status(inj.target.pid()).innermostPid() ? " (the main OS thread)" : "";
        } catch (RuntimeException e) {
            return ""; // gone: the hint is not worth an error
        }
    }

    // ---------------------------------------------------------------- bookkeeping

    private void ensureOpen() {
        if (closed) {
            throw new ThawException(ErrorCode.SHUTTING_DOWN, "thaw is shutting down; no new injections.", null);
        }
    }

    private void emit(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOG.warn("injection listener failed: {}", e.toString());
        }
    }

    /**
     * Takes back every delivery that has not started and removes every directory of this server.
     * Scripts already running keep running in their targets (nothing can stop them), writing nowhere.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: this is the hook
        }
        reaper.close();
        List<Injection> all = injections.all();
        // On a thread of its own, waited for a bounded time: an injection whose thread is stuck in
        // the target's file system (a FUSE mount it controls, say) holds its monitor, and the
        // server's exit must not wait for it.
        List<InjectionDir> left = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread closer = new Thread(() -> takeBackAll(all, left), "thaw-inject-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            LOG.warn("an injection is stuck in the target's file system; exiting without it");
        }
        injectors.forEach(RuntimeInjector::close);
        synchronized (left) {
            for (InjectionDir d : left) {
                dirs.remove(d);
            }
        }
        dirs.close();
    }

    /** Takes back every delivery that has not started; collects the directories to remove. */
    private void takeBackAll(List<Injection> all, List<InjectionDir> left) {
        for (Injection inj : all) {
            synchronized (inj) {
                if (inj.ended()) {
                    continue;
                }
                if (!inj.pickedUp() && inj.dir != null && inj.dir.claim()) {
                    closeDelivery(inj, true);
                    inj.notes.add("thaw shut down before any thread picked the script up; it will not run.");
                    if (inj.dir != null) {
                        left.add(inj.dir);
                        inj.dir = null;
                    }
                    end(inj, InjectionState.CANCELLED, "server shut down before delivery");
                    continue;
                }
                closeDelivery(inj, true);
                if (inj.dir != null) {
                    left.add(inj.dir);
                    inj.dir = null;
                }
                inj.abandon();
                inj.notes.add("thaw shut down while the script ran; its later output is lost.");
            }
        }
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** A fresh SHA-256 digest: a copy of a prototype, which skips the provider look-up of getInstance. */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e2) {
                throw new IllegalStateException(e2);
            }
        }
    }

    private static final MessageDigest SHA256;

    static {
        try {
            SHA256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }
}
