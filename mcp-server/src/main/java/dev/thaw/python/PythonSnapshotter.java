package dev.thaw.python;

import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.TaskState;
import dev.thaw.proc.TaskStates;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotAssembler;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.ThreadStack;
import dev.thaw.snapshot.WaitClassifier;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The {@code snapshot} operation for CPython processes (MCP tool {@code snapshot}, CLI
 * {@code thaw stacks PID}): reads every thread's stack from memory, adds what the kernel says
 * about each thread, takes as many samples as asked and assembles the runtime-neutral
 * {@link Snapshot}. Read-only: the target is never stopped, signalled or written.
 */
public final class PythonSnapshotter {

    private PythonSnapshotter() {
    }

    public static Snapshot snapshot(int pid, SnapshotRequest request) {
        return snapshot(ProcFs.system(), pid, request);
    }

    public static Snapshot snapshot(ProcFs procFs, int pid, SnapshotRequest request) {
        try (PythonStackReader reader = PythonStackReader.open(procFs, pid)) {
            String takenAt = Instant.now().toString();
            List<List<ThreadStack>> samples = new ArrayList<>(request.samples());
            boolean incomplete = false;
            for (int i = 0; i < request.samples(); i++) {
                if (i > 0) {
                    pause(request.intervalMs());
                }
                List<ThreadStack> sample = sample(procFs, reader);
                samples.add(sample);
            }
            for (ThreadStack t : samples.get(samples.size() - 1)) {
                incomplete |= t.thread().note() != null;
            }
            return SnapshotAssembler.assemble(pid, "cpython", reader.identity().version().toString(), takenAt, request,
                    samples, notes(reader, incomplete));
        }
    }

    /** One read of every thread: stacks from memory, then each thread's kernel state. */
    public static List<ThreadStack> sample(ProcFs procFs, PythonStackReader reader) {
        int pid = reader.pid();
        // The kernel's per-thread files cost tens of microseconds each: read them on other threads
        // while this one reads the stacks.
        CompletableFuture<Map<Integer, TaskState>> kernel = TaskStates.readAllAsync(procFs, pid);
        List<PyThreadStack> threads = reader.read();
        Map<Integer, TaskState> states;
        try {
            states = kernel.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ThawException te) {
                throw te;
            }
            throw e;
        }
        List<ThreadStack> out = new ArrayList<>(threads.size());
        TaskStates tasks = new TaskStates(procFs);
        for (PyThreadStack t : threads) {
            TaskState ks = states.get((int) t.tid());
            if (ks == null) {
                ks = tasks.read(pid, (int) t.tid()); // a thread born after the listing
            }
            String note = t.complete() ? null
                    : "the stack kept changing while thaw read it (the thread is running); frames may be incomplete";
            if (ks == null && note == null) {
                note = "the OS thread has exited (its Python thread state is not yet cleaned up)";
            }
            ThreadSnapshot ts = new ThreadSnapshot(t.tid(), ks == null ? null : ks.name(),
                    t.main() || (reader.interpreters().threadsMainNull() && t.tid() == pid), t.holdsGil(),
                    WaitClassifier.classify(ks), ks == null ? null : ks.stateName(), ks == null ? null : ks.syscall(),
                    ks == null ? null : ks.wchan(), null, WaitClassifier.lockAddress(ks), List.of(), null, note);
            out.add(new ThreadStack(ts, t.frames()));
        }
        if (!procFs.exists(pid)) {
            throw new ProcessGoneException(pid);
        }
        return out;
    }

    private static List<String> notes(PythonStackReader reader, boolean incomplete) {
        List<String> notes = new ArrayList<>();
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

    private static void pause(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ThawException("interrupted", "The snapshot was interrupted between samples.", "Retry.");
        }
    }
}
