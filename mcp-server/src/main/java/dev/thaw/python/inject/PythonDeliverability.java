package dev.thaw.python.inject;

import dev.thaw.ThawException;
import dev.thaw.inject.PendingReport;
import dev.thaw.proc.ProcFs;
import dev.thaw.python.PythonCaches;

import java.util.Optional;

/**
 * Whether a script injected now could run: the same plan {@code inject_script} makes with
 * {@code thread: "auto"} (every Python thread's kernel state, looked at three times over ~80 ms),
 * without arming anything. For {@code doctor}, which otherwise only says whether injection is
 * permitted.
 */
public final class PythonDeliverability {

    /** The wait doctor judges against: inject_script's default timeout. */
    public static final long DEFAULT_TIMEOUT_MS = 10_000;

    private final ProcFs proc;
    private final StackPeek stacks;

    /** What this planner keeps between looks at processes. */
    private final PythonCaches caches;

    public PythonDeliverability(ProcFs proc) {
        this(proc, new PythonCaches());
    }

    public PythonDeliverability(ProcFs proc, PythonCaches caches) {
        this.proc = proc;
        this.caches = caches;
        this.stacks = new SnapshotStackPeek(proc, caches);
    }

    /**
     * Empty when a thread can pick a script up within {@code timeoutMs}; else why not (per thread) and what
     * to do instead.
     *
     * @throws ThawException when the process cannot be opened for delivery (the permission checks say why)
     */
    public Optional<PendingReport> undeliverable(int pid, long timeoutMs) {
        return Optional.ofNullable(PythonDelivery.outlook(proc, pid, caches, stacks, timeoutMs));
    }
}
