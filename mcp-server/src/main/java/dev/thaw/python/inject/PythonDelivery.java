package dev.thaw.python.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.inject.ArmedThread;
import dev.thaw.inject.Delivery;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.PendingReport;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStat;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.RelatedProcesses;
import dev.thaw.proc.TaskIds;
import dev.thaw.python.PythonCaches;
import dev.thaw.python.inject.Pep768Writer.PyThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A PEP 768 delivery in progress: the armed threads of one target, re-planned while nothing picked
 * the bootstrap up, and taken back once one did (or the wait ended).
 */
final class PythonDelivery implements Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(PythonDelivery.class);

    private final ProcFs proc;
    private final int pid;
    private final Pep768Writer writer;
    private final String path;
    private final ThreadChoice choice;
    private final InjectionMode mode;
    private final StackPeek stacks;
    private final List<PyThread> armed = new ArrayList<>();
    private String description;
    /** Set when the plan showed that nothing can run the payload within the caller's wait; nothing is armed then. */
    private PendingReport undeliverable;

    private PythonDelivery(ProcFs proc, int pid, Pep768Writer writer, String path, ThreadChoice choice,
                           InjectionMode mode, StackPeek stacks) {
        this.proc = proc;
        this.pid = pid;
        this.writer = writer;
        this.path = path;
        this.choice = choice;
        this.mode = mode;
        this.stacks = stacks;
    }

    /** Opens the target, picks the threads and arms them. */
    static PythonDelivery start(ProcFs proc, int pid, PythonCaches caches, Pep768Writer.Location hint, String bootstrapPath,
                                ThreadChoice choice, InjectionMode mode, StackPeek stacks, String expectedVersion,
                                long timeoutMs) {
        Pep768Writer writer = Pep768Writer.open(proc, pid, hint, caches);
        String path = bootstrapPath;
        try {
            // The payload was written for the Python thaw identified; a process that exec'd another
            // one since must not get it (a compiled library of another version could crash it).
            if (expectedVersion != null && !expectedVersion.equals(writer.version().toString())) {
                throw new ThawException(ErrorCode.TARGET_CHANGED, "Process " + pid + " runs Python " + writer.version()
                        + " now, not the " + expectedVersion + " thaw identified (it exec'd another program);"
                        + " nothing was armed.", "Inject again: thaw identifies it afresh.");
            }
            int length = bootstrapPath.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (length > writer.maxPathBytes()) {
                throw Pep768Writer.pathTooLong(bootstrapPath, length, writer.maxPathBytes());
            }
            PythonDelivery d = new PythonDelivery(proc, pid, writer, bootstrapPath, choice, mode, stacks);
            // The kernel's view is only needed to choose among several threads (auto); for "main", a
            // TID, or a single thread it would only cost /proc reads on the way to arming.
            List<PyThread> listed = writer.threads();
            boolean choose = choice.kind() == ThreadChoice.Kind.AUTO && listed.size() > 1;
            List<ThreadPlanner.Candidate> all = choose ? d.census() : listed.stream().map(PythonDelivery::unread).toList();
            List<ThreadPlanner.Candidate> plan = ThreadPlanner.plan(pid, choice, mode, all);
            if (!choose) {
                // One thread to arm: its kernel state (one /proc read or three) tells whether it can run the script at all.
                plan = d.inspect(plan);
                all = choice.kind() == ThreadChoice.Kind.AUTO ? plan : all;
            }
            if (ThreadPlanner.undeliverable(choice, plan, all, timeoutMs)
                    && d.staysStuck(choice.kind() == ThreadChoice.Kind.AUTO ? all : plan, timeoutMs)) {
                List<ThreadPlanner.Candidate> everyone = choose ? all : d.census();
                List<ThreadPlanner.Candidate> considered = choice.kind() == ThreadChoice.Kind.AUTO ? everyone : plan;
                SignalNudges.Reading signals = d.signals();
                boolean mainConsidered = considered.stream().anyMatch(c -> c.thread().main());
                if (!(mainConsidered && signals.harmless().isPresent())) {
                    d.undeliverable = d.undeliverableReport(considered, everyone, signals, timeoutMs);
                    d.description = "nothing armed: no thread can reach a safe point within " + timeoutMs + " ms";
                    return d;
                }
                // A signal whose handler does nothing can wake the main thread: arm and wait, the pending
                // report proposes it.
            }
            if (choose) {
                d.arm(plan); // the census read /proc meanwhile: look at the list again before writing
            } else {
                d.armed.addAll(writer.armJustListed(plan.stream().map(ThreadPlanner.Candidate::thread).toList(), path));
            }
            if (d.armed.isEmpty()) {
                throw new ThawException(ErrorCode.THREADS_EXITED, "The threads thaw chose in process " + pid
                        + " exited before they could be armed.", "Inject again.");
            }
            d.description = "armed " + describe(plan);
            return d;
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /**
     * What {@link #start} would find about delivery now, without writing anything: null when a thread
     * can pick a script up within {@code timeoutMs} (with {@code thread: "auto"}), else the report an
     * injection would answer with. For {@code doctor}.
     */
    static PendingReport outlook(ProcFs proc, int pid, PythonCaches caches, StackPeek stacks, long timeoutMs) {
        try (Pep768Writer writer = Pep768Writer.open(proc, pid, null, caches)) {
            PythonDelivery d = new PythonDelivery(proc, pid, writer, null, ThreadChoice.AUTO, InjectionMode.THREAD, stacks);
            List<ThreadPlanner.Candidate> all = d.census();
            if (all.isEmpty() || !ThreadPlanner.undeliverable(ThreadChoice.AUTO, all, all, timeoutMs)
                    || !d.staysStuck(all, timeoutMs)) {
                return null;
            }
            List<ThreadPlanner.Candidate> again = d.census();
            SignalNudges.Reading signals = d.signals();
            if (again.stream().anyMatch(c -> c.thread().main()) && signals.harmless().isPresent()) {
                return null; // a do-nothing signal handler can wake the main thread (the injection says which)
            }
            return d.undeliverableReport(again, again, signals, timeoutMs);
        }
    }

    private void arm(List<ThreadPlanner.Candidate> plan) {
        armed.addAll(writer.arm(plan.stream().map(ThreadPlanner.Candidate::thread).toList(), path));
    }

    /** How often, and how far apart, a verdict of "undeliverable" is checked again before it is given. */
    private static final int RECHECKS = 2;
    private static final long RECHECK_MS = 40;

    /**
     * One look at the kernel cannot tell a deadlocked thread from one that waits a microsecond for a
     * mutex (the GIL's own, say): both are "futex wait without timeout". So the verdict stands only
     * if, over {@value #RECHECKS} more looks {@value #RECHECK_MS} ms apart, no thread that could run
     * the script has run at all (its count of times on a CPU, {@code schedstat}, or else its context
     * switches, did not move) and the plan still says the same.
     */
    private boolean staysStuck(List<ThreadPlanner.Candidate> considered, long timeoutMs) {
        boolean auto = choice.kind() == ThreadChoice.Kind.AUTO;
        List<PyThread> watched = considered.stream().map(ThreadPlanner.Candidate::thread).toList();
        Map<Long, String> before = runCounts(watched);
        for (int i = 0; i < RECHECKS; i++) {
            try {
                Thread.sleep(RECHECK_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            // Threads that appeared meanwhile are in the census: the plan changes if one of them can run it.
            List<ThreadPlanner.Candidate> again = auto ? census() : inspect(considered);
            if (!ThreadPlanner.undeliverable(choice, again, again, timeoutMs) || !runCounts(watched).equals(before)) {
                return false;
            }
        }
        return true;
    }

    /** Per thread: how many times it has been on a CPU ({@code schedstat}), else its context switches. */
    private Map<Long, String> runCounts(List<PyThread> threads) {
        TaskIds ids = TaskIds.read(proc, pid);
        Map<Long, String> out = new TreeMap<>();
        for (PyThread t : threads) {
            int host = ids.host(t.nativeTid());
            String count = "gone";
            if (host >= 0) {
                try {
                    String[] f = proc.readString(pid, "task/" + host + "/schedstat").trim().split(" ");
                    count = f.length >= 3 ? f[2] : String.join(" ", f);
                } catch (RuntimeException e) {
                    try {
                        count = proc.readString(pid, "task/" + host + "/status").lines()
                                .filter(l -> l.contains("ctxt_switches")).collect(Collectors.joining(" "));
                    } catch (RuntimeException e2) {
                        count = "unreadable";
                    }
                }
            }
            out.put(t.nativeTid(), count);
        }
        return out;
    }

    /** The planned threads with their kernel state read (they were listed without it). */
    private List<ThreadPlanner.Candidate> inspect(List<ThreadPlanner.Candidate> plan) {
        KernelThreads kernel = new KernelThreads(proc, pid, writer.memory());
        TaskIds ids = TaskIds.read(proc, pid);
        List<ThreadPlanner.Candidate> out = new ArrayList<>();
        for (ThreadPlanner.Candidate c : plan) {
            int host = ids.host(c.thread().nativeTid());
            try {
                out.add(host < 0 ? c : new ThreadPlanner.Candidate(c.thread(),
                        kernel.read(c.thread().nativeTid(), host, proc.taskStat(pid, host)), c.ageMs()));
            } catch (RuntimeException e) {
                out.add(c); // exited meanwhile: arming finds that out
            }
        }
        return out;
    }

    private PendingReport undeliverableReport(List<ThreadPlanner.Candidate> considered,
                                              List<ThreadPlanner.Candidate> everyone, SignalNudges.Reading signals,
                                              long timeoutMs) {
        List<Long> tids = considered.stream().map(c -> c.thread().nativeTid()).toList();
        Map<Long, List<String>> frames = framesWithin(tids, FRAMES_BUDGET_MS);
        List<ArmedThread> threads = considered.stream().map(c -> armedThread(c, frames.getOrDefault(
                c.thread().nativeTid(), List.of()))).toList();
        return PendingAdvice.undeliverable(pid, choice, timeoutMs, considered, everyone, threads, signals,
                relatedProcesses());
    }

    /** At most this many children are named in an undeliverable report. */
    private static final int MAX_CHILDREN = 6;

    /**
     * The processes a stuck one may be waiting for, named for the report: its parent (unless it is
     * init or a namespace's root, pid 1) as {@code "parent 41 (gunicorn)"} and its first children
     * as {@code "child 57 (python3.14)"}. Processes that exit meanwhile drop out.
     */
    private List<String> relatedProcesses() {
        List<String> out = new ArrayList<>();
        try {
            int parent = proc.stat(pid).ppid();
            if (parent > 1) {
                out.add("parent " + parent + " (" + proc.stat(parent).comm() + ")");
            }
        } catch (RuntimeException e) {
            // gone or unreadable: nothing to name
        }
        for (int child : new RelatedProcesses(proc).children(pid).stream().limit(MAX_CHILDREN).toList()) {
            try {
                out.add("child " + child + " (" + proc.stat(child).comm() + ")");
            } catch (RuntimeException e) {
                // exited meanwhile
            }
        }
        return out;
    }

    /**
     * The undeliverable answer must come at once; reading the stacks is the slow part of it when the
     * stack reader has not run yet in this server (a cold start), so frames that take longer than this
     * are left out (the kernel's view of each thread is there regardless).
     */
    private static final long FRAMES_BUDGET_MS = 400;

    private Map<Long, List<String>> framesWithin(List<Long> tids, long budgetMs) {
        CompletableFuture<Map<Long, List<String>>> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(stacks.topFrames(pid, tids, 5));
            } catch (RuntimeException e) {
                f.complete(Map.of());
            }
        }, "thaw-stack-peek");
        t.setDaemon(true);
        t.start();
        try {
            return f.get(budgetMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.debug("pid {}: stacks for the undeliverable report took over {} ms; left out", pid, budgetMs);
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    @Override
    public PendingReport undeliverable() {
        return undeliverable;
    }

    /** A thread whose kernel state was not read (it is armed without a choice to make). */
    private static ThreadPlanner.Candidate unread(PyThread t) {
        return new ThreadPlanner.Candidate(t, new KernelThread(t.nativeTid(), "", '?', null, WaitKind.UNKNOWN, null,
                "not inspected"));
    }

    /**
     * Every Python thread of the main interpreter with its kernel state, except thaw's own script
     * threads (named {@code thaw-...}): they are about to exit, and arming one would only write into
     * memory that is about to be freed.
     */
    private List<ThreadPlanner.Candidate> census() {
        KernelThreads kernel = new KernelThreads(proc, pid, writer.memory());
        Long uptime = KernelThreads.uptimeMs();
        List<ThreadPlanner.Candidate> out = new ArrayList<>();
        // In a container the ids CPython recorded are its PID namespace's, not /proc's here (one
        // status read tells; the map costs one more read per thread, only for such a process).
        TaskIds ids = TaskIds.read(proc, pid);
        for (PyThread t : writer.threads()) {
            int host = ids.host(t.nativeTid());
            ProcStat st;
            try {
                if (host < 0) {
                    continue; // the thread has exited
                }
                st = proc.taskStat(pid, host);
            } catch (RuntimeException e) {
                continue; // the thread has exited
            }
            KernelThread k = kernel.read(t.nativeTid(), host, st);
            if (k.name().startsWith("thaw-") || k.state() == 'X' || k.state() == 'Z') {
                continue;
            }
            out.add(new ThreadPlanner.Candidate(t, k, KernelThreads.ageMs(st, uptime)));
        }
        return out;
    }

    @Override
    public List<Long> armedTids() {
        return armed.stream().map(PyThread::nativeTid).toList();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void refresh() {
        if (choice.kind() != ThreadChoice.Kind.AUTO) {
            return;
        }
        try {
            List<ThreadPlanner.Candidate> add = ThreadPlanner.additions(mode, census(), armedTids());
            add = add.subList(0, Math.min(add.size(), Math.max(0, ThreadPlanner.MAX_ARMED * 2 - armed.size())));
            if (!add.isEmpty()) {
                arm(add);
                description = description + "; then " + describe(add);
            }
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            LOG.debug("pid {}: re-planning failed: {}", pid, e.getMessage());
        }
    }

    @Override
    public PendingReport pending() {
        List<ThreadPlanner.Candidate> all;
        try {
            all = census();
        } catch (ThawException e) {
            return new PendingReport("The armed threads cannot be inspected: " + e.getMessage(), List.of(), List.of());
        }
        List<Long> tids = armedTids();
        List<ThreadPlanner.Candidate> mine = all.stream().filter(c -> tids.contains(c.thread().nativeTid())).toList();
        Map<Long, List<String>> frames = stacks.topFrames(pid, tids, 5);
        List<ArmedThread> threads = mine.stream().map(c -> armedThread(c, frames.getOrDefault(c.thread().nativeTid(),
                List.of()))).toList();
        return PendingAdvice.report(pid, choice, mode, mine, all, threads, signals());
    }

    private static ArmedThread armedThread(ThreadPlanner.Candidate c, List<String> frames) {
        KernelThread k = c.kernel();
        return new ArmedThread(k.tid(), k.name(), c.thread().main(), k.kernelState(), k.syscall(), k.waitKind().wire(),
                k.wakesInMs(), frames);
    }

    /** The program's Python signal handlers, read from memory (for advice only; never sent). */
    private SignalNudges.Reading signals() {
        try {
            return SignalNudges.read(writer.memory(), writer.offsets(), writer.runtime(), writer.caches());
        } catch (RuntimeException e) {
            return SignalNudges.Reading.UNKNOWN;
        }
    }

    @Override
    public int disarm() {
        try {
            return writer.disarm(armed, path);
        } catch (ProcessGoneException e) {
            return 0;
        } catch (ThawException e) {
            // the list would not settle: the threads thaw cannot find any more cannot run it either
            LOG.debug("pid {}: disarm failed: {}", pid, e.getMessage());
            return 0;
        }
    }

    @Override
    public int disarmAfterPickup(Long pickedUpBy) {
        if (pickedUpBy != null && armed.size() == 1 && armed.get(0).nativeTid() == pickedUpBy) {
            // The only armed thread ran it: CPython cleared its pending call before running the
            // bootstrap, so nothing is left to take back (and reading the thread list would only
            // delay the answer).
            return 0;
        }
        return disarm();
    }

    @Override
    public void close() {
        writer.close();
    }

    private static String describe(List<ThreadPlanner.Candidate> plan) {
        return plan.stream().map(c -> "thread " + c.thread().nativeTid() + (c.thread().main() ? " (main)" : "")
                        + " [" + c.kernel().waitDetail() + "]")
                .collect(Collectors.joining(", "));
    }
}
