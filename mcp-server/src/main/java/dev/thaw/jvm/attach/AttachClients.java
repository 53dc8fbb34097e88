package dev.thaw.jvm.attach;

import dev.thaw.jvm.JvmIdentity;
import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessKey;

import java.util.Optional;

/**
 * Makes {@link AttachClient}s, and keeps what their operations learnt about each JVM for the next
 * ones: the attach socket found or started and the JVM's identity (so a later operation skips
 * reading /proc/PID/maps), the protocol version, whether {@code Thread.print} knows {@code -e}. A
 * server holds one instance for its whole life (built once in {@code Services}), so a snapshot taken
 * after another costs one exchange, not three; the one-operation-per-JVM locks and the triggers left
 * for a stopped JVM live here too, because every client of the server must see them.
 *
 * <p>Facts are keyed by {@link ProcessKey}, so a JVM that reuses a pid starts from nothing. Each cache
 * holds at most {@link #CAPACITY} JVMs, least recently used first out: forgetting one only costs
 * that JVM one more look-up.
 */
public final class AttachClients {

    /** JVMs remembered per cache; a server rarely talks to more than a few dozen. */
    static final int CAPACITY = 1024;

    /** The attach files of a JVM whose socket was found or started, and what the probe said of it. */
    record Known(AttachTarget target, JvmIdentity identity) {
    }

    /** The attach protocol a JVM speaks: 2 (JDK 24+, maybe with the streaming option), else 1. */
    record Protocol(int version, boolean streamingOption) {
        static final Protocol V1 = new Protocol(1, false);
    }

    private final ProcFs proc;
    final BoundedCache<ProcessKey, Known> known = new BoundedCache<>(CAPACITY);
    final BoundedCache<ProcessKey, Protocol> protocols = new BoundedCache<>(CAPACITY);
    /** JVMs whose {@code Thread.print} refused {@code -e} (JDK 8): a set, so the value is always TRUE. */
    final BoundedCache<ProcessKey, Boolean> noExtendedDump = new BoundedCache<>(CAPACITY);
    final AttachLocks locks = new AttachLocks();
    final ListenerStarter listeners;

    public AttachClients(ProcFs proc) {
        this.proc = proc;
        this.listeners = new ListenerStarter(proc);
    }

    public ProcFs proc() {
        return proc;
    }

    /** A client for one JVM with the default timeouts and reply cap. */
    public AttachClient to(int pid) {
        return to(pid, AttachOptions.DEFAULT);
    }

    public AttachClient to(int pid, AttachOptions options) {
        return new AttachClient(pid, options, this);
    }

    /**
     * What {@code JvmProbe} said about this process when a client first prepared it (without
     * reading /proc again), or empty before the first operation or once it is forgotten.
     */
    Optional<JvmIdentity> identity(ProcessKey key) {
        Known k = known.get(key);
        return k == null ? Optional.empty() : Optional.of(k.identity());
    }
}
