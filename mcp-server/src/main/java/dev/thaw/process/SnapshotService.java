package dev.thaw.process;

import dev.thaw.ThawException;
import dev.thaw.findings.Findings;
import dev.thaw.jvm.JvmProbe;
import dev.thaw.jvm.JvmSnapshotter;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.python.PythonProbe;
import dev.thaw.python.PythonSnapshotter;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    /** pid@start ticks of processes last read as CPython. */
    private final Set<String> python = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
                    return size() > 256;
                }
            }));

    public SnapshotService(ProcFs proc, JvmProbe jvmProbe) {
        this.proc = proc;
        this.jvmProbe = jvmProbe;
    }

    /**
     * The snapshot, with what it means: each group's activity and the findings (dev.thaw.findings).
     * Findings may take a one-sample look at a related process (the parent of a forked child).
     */
    public Snapshot snapshot(int pid, SnapshotRequest request) {
        return Findings.judge(stacks(pid, request), proc, this::peek);
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
        String key = pid + "@" + proc.stat(pid).startTimeTicks();
        if (python.contains(key)) {
            try {
                return PythonSnapshotter.snapshot(proc, pid, request);
            } catch (ThawException e) {
                if (!"not_python".equals(e.code())) {
                    throw e;
                }
                python.remove(key); // it exec'd another program: look again
            }
        }
        if (PythonProbe.identify(proc, pid).isPresent()) {
            Snapshot s = PythonSnapshotter.snapshot(proc, pid, request);
            python.add(key);
            return s;
        }
        if (jvmProbe.inspect(pid).isPresent()) {
            return JvmSnapshotter.snapshot(proc, pid, request);
        }
        throw new ThawException("no_runtime", "Process " + pid + " runs neither CPython 3.14+ nor a HotSpot JVM.",
                "Pick a Python or JVM process from list_processes.");
    }
}
