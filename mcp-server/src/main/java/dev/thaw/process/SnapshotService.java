package dev.thaw.process;

import dev.thaw.ThawException;
import dev.thaw.jvm.JvmProbe;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.python.PythonProbe;
import dev.thaw.python.PythonSnapshotter;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;

/**
 * {@code snapshot}: every thread's stack, read from outside, for whichever runtime the process runs.
 * One operation behind the MCP tool and {@code thaw stacks}; it only picks the engine.
 */
public final class SnapshotService {

    private final ProcFs proc;
    private final JvmProbe jvmProbe;

    public SnapshotService(ProcFs proc, JvmProbe jvmProbe) {
        this.proc = proc;
        this.jvmProbe = jvmProbe;
    }

    public Snapshot snapshot(int pid, SnapshotRequest request) {
        if (!proc.exists(pid)) {
            throw new ProcessGoneException(pid);
        }
        if (PythonProbe.identify(proc, pid).isPresent()) {
            return PythonSnapshotter.snapshot(proc, pid, request);
        }
        if (jvmProbe.inspect(pid).isPresent()) {
            throw new ThawException("not_supported_yet",
                    "Process " + pid + " is a JVM; JVM snapshots through the attach thread dump are not wired into snapshot yet.",
                    "Use jstack -l " + pid + " meanwhile; thaw doctor " + pid + " shows whether attach works.");
        }
        throw new ThawException("no_runtime", "Process " + pid + " runs neither CPython 3.14+ nor a HotSpot JVM.",
                "Pick a Python or JVM process from list_processes.");
    }
}
