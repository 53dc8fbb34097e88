package dev.thaw.process;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.findings.Findings;
import dev.thaw.jvm.JvmProbe;
import dev.thaw.jvm.snapshot.JvmSnapshotter;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.ProcessKey;
import dev.thaw.proc.Suspension;
import dev.thaw.proc.Suspensions;
import dev.thaw.proc.TargetGuard;
import dev.thaw.python.PythonCaches;
import dev.thaw.python.PythonProbe;
import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;

import java.util.Optional;

/**
 * {@code snapshot}: every thread's stack, read from outside, for whichever runtime the process runs.
 * One operation behind the MCP tool and {@code thaw stacks}; it only picks the engine.
 *
 * <p>Telling a Python process from others reads its memory map and ELF headers (a few hundred
 * microseconds, as much as reading a hundred threads' stacks), so a process already read as
 * CPython (same pid and start time) goes straight to the Python engine, which checks the runtime
 * again anyway; should it not find one any more (the process exec'd another program), the full
 * look-up runs.
 */
public final class SnapshotService {

    private final ProcFs proc;
    private final JvmProbe jvmProbe;
    private final JvmSnapshotter jvm;
    private final PythonCaches pythonCaches;
    private final Suspensions suspensions;
    private final TargetGuard guard;
    /** Processes last read as CPython: a set, so the value is always TRUE. */
    private final BoundedCache<ProcessKey, Boolean> python = new BoundedCache<>(256);

    private final Namespaces namespaces;

    /**
     * @param attach the server's attach clients, shared with every other JVM operation
     * @param pythonCaches what the Python engine keeps between calls, shared with the other Python services
     */
    public SnapshotService(ProcFs proc, JvmProbe jvmProbe, AttachClients attach, PythonCaches pythonCaches) {
        this.pythonCaches = pythonCaches;
        this.proc = proc;
        this.suspensions = new Suspensions(proc);
        this.guard = new TargetGuard(proc);
        this.jvmProbe = jvmProbe;
        this.jvm = new JvmSnapshotter(attach);
        this.namespaces = new Namespaces(proc);
    }

    /** A service with attach clients and Python caches of its own (tests; the server shares them through Services). */
    public SnapshotService(ProcFs proc, JvmProbe jvmProbe) {
        this(proc, jvmProbe, new AttachClients(proc), new PythonCaches());
    }

    /**
     * The snapshot, with what it means: each group's activity and the findings (dev.thaw.findings).
     * Findings may take a one-sample look at a related process (the parent of a forked child).
     */
    public Snapshot snapshot(int pid, SnapshotRequest request) {
        Snapshot s = Findings.judge(stacks(pid, request), proc, this::peek);
        return withContainer(pid, s);
    }

    /** Names the container the process runs in first among the notes (its id and name, a pod). */
    private Snapshot withContainer(int pid, Snapshot s) {
        ContainerHint hint;
        try {
            hint = namespaces.hint(pid, proc.status(pid));
        } catch (RuntimeException e) {
            return s; // gone since: the snapshot stands as read
        }
        if (hint == null || hint.container() == null) {
            return s;
        }
        return s.withNoteFirst("runs in " + hint.container().summary());
    }

    /** A related process's stacks, one sample, without findings; empty when it runs no known runtime or is unreadable. */
    private Optional<Snapshot> peek(int pid) {
        try {
            return Optional.of(stacks(pid, SnapshotRequest.of(1, null, null, null)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The stacks alone, from whichever engine fits. */
    private Snapshot stacks(int pid, SnapshotRequest request) {
        if (!proc.exists(pid)) {
            throw new ProcessGoneException(pid);
        }
        guard.checkReadable(pid, "take a snapshot of");
        if (proc.status(pid).isZombie()) {
            // Its memory, root and threads are gone; only the exit status waits for the parent.
            throw new ThawException(ErrorCode.PROCESS_GONE, "Process " + pid + " has exited: it is a zombie waiting for its parent (pid "
                    + proc.stat(pid).ppid() + ") to reap it, and nothing of it is left to read.",
                    "If the parent never reaps it, the parent is the process to look at: snapshot pid " + proc.stat(pid).ppid() + ".");
        }
        ProcessKey key = ProcessKey.of(proc, pid);
        if (python.get(key) != null) {
            try {
                return noteSuspension(PythonSnapshotter.snapshot(proc, pid, request, pythonCaches));
            } catch (ThawException e) {
                if (e.code() != ErrorCode.NOT_PYTHON) {
                    throw e;
                }
                python.remove(key); // it exec'd another program: look again
            }
        }
        if (PythonProbe.identify(proc, pid, pythonCaches).isPresent()) {
            Snapshot s = PythonSnapshotter.snapshot(proc, pid, request, pythonCaches);
            python.put(key, Boolean.TRUE);
            return noteSuspension(s);
        }
        if (jvmProbe.inspect(pid).isPresent()) {
            return jvm.snapshot(pid, request);
        }
        // A JVM is read through its attach listener, which a stopped JVM cannot run: the attach client
        // refuses it at once, saying so.
        throw new ThawException(ErrorCode.UNSUPPORTED_RUNTIME, "Process " + pid + " runs neither CPython 3.14+ nor a HotSpot JVM.",
                "Pick a Python or JVM process from list_processes.");
    }

    /** Stacks read from memory work on a stopped process; the notes say it is stopped and how to resume it. */
    private Snapshot noteSuspension(Snapshot s) {
        Optional<Suspension> held = suspensions.of(s.pid());
        if (held.isEmpty()) {
            return s;
        }
        return s.withNoteFirst(held.get().note());
    }
}
