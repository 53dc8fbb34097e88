package dev.thaw.python.snapshot;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.TaskIds;
import dev.thaw.proc.TaskState;
import dev.thaw.proc.TaskStates;
import dev.thaw.python.PyThreadStack;
import dev.thaw.python.PythonCaches;
import dev.thaw.python.PythonDetails;
import dev.thaw.python.PythonIdentity;
import dev.thaw.python.PythonStackReader;
import dev.thaw.python.TargetPause;
import dev.thaw.snapshot.LoadedModules;
import dev.thaw.snapshot.PythonProcessDetail;
import dev.thaw.snapshot.PythonThreadDetail;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotAssembler;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.ThreadStack;
import dev.thaw.snapshot.WaitClassifier;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code snapshot} operation for CPython processes (MCP tool {@code snapshot}, CLI
 * {@code thaw stacks PID}): reads every thread's stack from memory, adds what the kernel says
 * about each thread, takes as many samples as asked and assembles the runtime-neutral
 * {@link Snapshot}, with what {@link PythonDetails} reads beyond the stacks. Read-only: the target
 * is never written, and stopped only with {@code consistent: true} ({@link TargetPause}).
 */
public final class PythonSnapshotter {

    /**
     * From this many threads on, the kernel's per-thread files are read on a worker while this
     * thread reads the stacks. Besides the second CPU, the worker keeps the kernel's data warm in
     * its own caches: interleaved on one thread, stack reads and /proc reads each run about twice
     * as slowly as alone (measured at 100 threads: 1.26 ms each in sequence, 0.7-0.8 alone).
     */
    private static final int ASYNC_THRESHOLD = 32;
    private static final boolean MULTI_CPU = Runtime.getRuntime().availableProcessors() > 1;

    private PythonSnapshotter() {
    }

    /** A snapshot with nothing known of the process from before (tests, one-off looks). */
    public static Snapshot snapshot(int pid, SnapshotRequest request) {
        return snapshot(ProcFs.system(), pid, request, new PythonCaches());
    }

    /** @param caches what the calling service keeps between snapshots (runtime location, code objects, files) */
    public static Snapshot snapshot(ProcFs procFs, int pid, SnapshotRequest request, PythonCaches caches) {
        try (PythonStackReader reader = PythonStackReader.open(procFs, pid, caches)) {
            String takenAt = Instant.now().toString();
            List<List<ThreadStack>> samples = new ArrayList<>(request.samples());
            boolean incomplete = false;
            PythonDetails details = new PythonDetails(reader, request);
            TargetPause.Result<?> pause = null;
            TasksAndGreenlets.Result insideWhilePaused = null;
            for (int i = 0; i < request.samples(); i++) {
                if (i > 0) {
                    pause(request.intervalMs());
                }
                // Only the last sample is shown; earlier ones serve to compare stacks, so they skip
                // the per-thread /proc files, the dominant cost with many threads, and the objects.
                if (i < request.samples() - 1) {
                    samples.add(sample(procFs, reader, false, null, null));
                    continue;
                }
                List<PyThreadStack> raw = new ArrayList<>();
                int ownPid = reader.taskIds().ownPid(pid);
                if (request.consistent()) {
                    // Stacks and objects while the target is stopped; its kernel states after (a
                    // stopped thread's state would only say "stopped").
                    List<List<PyThreadStack>> read = new ArrayList<>();
                    List<TasksAndGreenlets.Result> inside = new ArrayList<>();
                    TargetPause.Result<Map<Long, PythonThreadDetail>> r = TargetPause.during(procFs, pid, () -> {
                        List<PyThreadStack> stacks = reader.read();
                        read.add(stacks);
                        details.loaded();
                        // Tasks and greenlets in the same pause: one picture of what runs inside the threads.
                        inside.add(TasksAndGreenlets.attach(reader, sample(procFs, reader, false, null, stacks)));
                        return details.read(stacks, t -> true, ownPid);
                    });
                    insideWhilePaused = inside.isEmpty() ? null : inside.get(0);
                    pause = r;
                    List<ThreadStack> sample = sample(procFs, reader, true, raw, read.get(0));
                    samples.add(PythonDetails.attach(sample, raw, r.value()));
                } else {
                    List<ThreadStack> sample = sample(procFs, reader, true, raw, null);
                    Set<Long> blocked = new HashSet<>();
                    for (int k = 0; k < sample.size(); k++) {
                        if (PythonDetails.blocked(sample.get(k).thread())) {
                            blocked.add(raw.get(k).tstate());
                        }
                    }
                    samples.add(PythonDetails.attach(sample, raw,
                            details.read(raw, t -> blocked.contains(t.tstate()), ownPid)));
                }
            }
            for (ThreadStack t : samples.get(samples.size() - 1)) {
                incomplete |= t.thread().note() != null;
            }
            // Tasks and greenlets of the shown sample: what runs inside the threads (read in the pause when
            // the read is consistent, else now).
            TasksAndGreenlets.Result inside = insideWhilePaused != null
                    ? new TasksAndGreenlets.Result(withInside(samples.get(samples.size() - 1), insideWhilePaused.threads()),
                            insideWhilePaused.notes())
                    : TasksAndGreenlets.attach(reader, samples.get(samples.size() - 1));
            samples.set(samples.size() - 1, inside.threads());
            List<String> notes = notes(reader, incomplete);
            notes.addAll(inside.notes());
            LoadedModules loaded = details.loaded();
            if (details.modulesProblem() != null) {
                notes.add(details.modulesProblem() + ": Python thread names and loaded modules are not shown");
            }
            Snapshot s = SnapshotAssembler.assemble(pid, "cpython", reader.identity().version().toString(), takenAt,
                    request, samples, notes);
            return s.withPython(new PythonProcessDetail(loaded, request.source(),
                            pause == null ? null : pause.pausedMs(), pause == null ? null : pause.note()),
                    PythonDetails.withSources(procFs, pid, s.groups(), request.source(), caches));
        }
    }

    /**
     * One read of every thread: stacks from memory and, with {@code kernelStates}, what the
     * kernel says about each thread (name, state, syscall), read meanwhile on other threads.
     */
    public static List<ThreadStack> sample(ProcFs procFs, PythonStackReader reader, boolean kernelStates) {
        return sample(procFs, reader, kernelStates, null, null);
    }

    /**
     * @param raw   when not null, receives the threads as read from memory, in step with the result
     * @param given the threads already read from memory (a consistent read), or null to read them now
     */
    static List<ThreadStack> sample(ProcFs procFs, PythonStackReader reader, boolean kernelStates,
                                    List<PyThreadStack> raw, List<PyThreadStack> given) {
        int pid = reader.pid();
        if (!kernelStates) {
            List<ThreadStack> out = new ArrayList<>();
            for (PyThreadStack t : given != null ? given : reader.read()) {
                out.add(new ThreadStack(new ThreadSnapshot(t.tid(), null, t.main(), t.holdsGil(), null, null, null,
                        null, null, null, null, null, null), t.frames()));
            }
            return out;
        }
        // The kernel's per-thread files cost several microseconds each even when kept open
        // (TaskStates): with many threads, read them on a worker while this thread reads the
        // stacks (then read what is left); with few, a hand-off to the pool costs more than it
        // saves. Only the threads that run Python code are read: those found last time (known),
        // else all of them; threads found in memory but not read yet are read after.
        List<PyThreadStack> threads;
        Map<Integer, TaskState> states;
        // The ids the interpreter recorded are its own PID namespace's: in a container they must be
        // mapped to /proc's here (TaskIds), else every thread would look exited. The map is read
        // after the stacks, so that a thread started meanwhile is in it.
        TaskIds ids;
        List<Integer> known = TaskStates.known(procFs, pid);
        int expected = known.isEmpty() ? procFs.stat(pid).numThreads() : known.size();
        if (MULTI_CPU && expected >= ASYNC_THRESHOLD) {
            TaskStates.Pending kernel = TaskStates.readAllAsync(procFs, pid, known.isEmpty() ? null : known);
            threads = given != null ? given : reader.read(); // if this fails, the workers finish on their own
            ids = reader.taskIds();
            states = kernel.join();
        } else {
            threads = given != null ? given : reader.read();
            ids = reader.taskIds();
            states = TaskStates.readAll(procFs, pid, hostTids(threads, ids));
        }
        List<ThreadStack> out = new ArrayList<>(threads.size());
        TaskStates tasks = new TaskStates(procFs);
        int mainTid = ids.ownPid(pid);
        for (PyThreadStack t : threads) {
            int host = ids.host(t.tid());
            TaskState ks = host < 0 ? null : states.get(host);
            if (ks == null && host >= 0) {
                ks = tasks.read(pid, host); // a thread born after the listing
            }
            String note = t.complete() ? null
                    : "the stack kept changing while thaw read it (the thread is running); frames may be incomplete";
            if (ks == null && note == null) {
                note = "the OS thread has exited (its Python thread state is not yet cleaned up)";
            }
            ThreadSnapshot ts = new ThreadSnapshot(t.tid(), ks == null ? null : ks.name(),
                    t.main() || (reader.interpreters().threadsMainNull() && t.tid() == mainTid), t.holdsGil(),
                    WaitClassifier.classify(ks), ks == null ? null : ks.stateName(), ks == null ? null : ks.syscall(),
                    ks == null ? null : ks.wchan(), null, WaitClassifier.lockAddress(ks), null, null, note);
            out.add(new ThreadStack(ts, t.frames()));
            if (raw != null) {
                raw.add(t);
            }
        }
        if (!procFs.exists(pid)) {
            throw new ProcessGoneException(pid);
        }
        TaskStates.retainOnly(procFs, pid, hostTids(threads, ids)); // close the files of threads that are gone
        return out;
    }

    /** The /proc ids of the threads read (those still there). */
    private static Set<Integer> hostTids(List<PyThreadStack> threads, TaskIds ids) {
        Set<Integer> tids = new HashSet<>(threads.size() * 2);
        for (PyThreadStack t : threads) {
            int host = ids.host(t.tid());
            if (host >= 0) {
                tids.add(host);
            }
        }
        return tids;
    }

    private static List<String> notes(PythonStackReader reader, boolean incomplete) {
        List<String> notes = new ArrayList<>();
        if (reader.pidNamespaced()) {
            notes.add("process " + reader.pid() + " runs in a PID namespace of its own (a container): thread ids"
                    + " are the ones it sees itself (threading.get_native_id(), its logs), not the host's");
        }
        PythonIdentity id = reader.identity();
        if (Boolean.FALSE.equals(id.remoteDebugEnabled())) {
            notes.add("remote debugging is disabled in this process (PYTHON_DISABLE_REMOTE_DEBUG or -X "
                    + "disable-remote-debug): stacks are unaffected, script injection is unavailable");
        }
        PythonStackReader.Interpreters in = reader.interpreters();
        if (in != null && in.threadsMainNull()) {
            notes.add("the main thread state is NULL (the __main__ module finished and the interpreter waits for "
                    + "non-daemon threads, or Python is embedded): `main` marks the process's first thread instead");
        }
        if (in != null && in.subInterpreters() > 0) {
            notes.add(in.subInterpreters() + " sub-interpreter(s) alive: only the main interpreter's threads are "
                    + "shown");
        }
        if (incomplete) {
            notes.add("some stacks changed while being read; they are marked");
        }
        return notes;
    }

    /** The asyncio loop and greenlets read in the pause, put on the same threads of the sample shown. */
    private static List<ThreadStack> withInside(List<ThreadStack> sample, List<ThreadStack> paused) {
        Map<Long, ThreadSnapshot> byTid = new java.util.HashMap<>();
        for (ThreadStack t : paused) {
            byTid.put(t.thread().tid(), t.thread());
        }
        List<ThreadStack> out = new ArrayList<>(sample.size());
        for (ThreadStack t : sample) {
            ThreadSnapshot p = byTid.get(t.thread().tid());
            out.add(p == null ? t : new ThreadStack(t.thread().withConcurrency(p.asyncio(), p.greenlets()), t.frames()));
        }
        return out;
    }

    private static void pause(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ThawException(ErrorCode.INTERRUPTED, "The snapshot was interrupted between samples.", "Retry.");
        }
    }
}
