package dev.thaw.jvm.probe;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.inject.Delivery;
import dev.thaw.inject.InjectionDir;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.PendingReport;
import dev.thaw.inject.RuntimeInjector;
import dev.thaw.inject.TargetIdentity;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.ProcessKey;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * HotSpot JVMs in the injection lifecycle: Java probes compiled by thaw and run by injector-agent
 * ({@link JvmProbeEngine}). The agent speaks the lifecycle's directory contract, so statuses,
 * timeouts and read_output are the lifecycle's own; this class only adapts the calls.
 */
public final class JvmInjector implements RuntimeInjector {

    /** A request the resident agent has not picked up after this long gets the agent loaded again. */
    static final long RELOAD_AFTER_NANOS = 1_500_000_000L;

    private final JvmProbeEngine engine;
    /** JVMs identified for an injection, by process; one forgotten is identified again. */
    private final BoundedCache<ProcessKey, JvmTarget> targets = new BoundedCache<>(JvmProbeEngine.MAX_TARGETS);
    /**
     * Payloads written and not yet delivered, by directory: deliver takes each out. One whose delivery
     * never comes (the lifecycle failed between the two calls) is pushed out by newer ones.
     */
    private final BoundedCache<Path, JvmProbeEngine.Prepared> prepared = new BoundedCache<>(JvmProbeEngine.MAX_TARGETS);

    public JvmInjector(AttachClients attach) {
        this.engine = new JvmProbeEngine(attach, new ProbeCompiler());
        engine.compiler().warmUp(); // javac's first compilation is slow: do it long before the first probe
    }

    public JvmProbeEngine engine() {
        return engine;
    }

    @Override
    public String runtime() {
        return "hotspot";
    }

    @Override
    public Optional<TargetIdentity> identify(int pid) {
        return engine.identify(pid).map(t -> {
            targets.put(t.key(), t);
            return new TargetIdentity(t.pid(), t.startTicks(), t.executable(), runtime(), t.javaVersion(), t.uid(), t.gid());
        });
    }

    @Override
    public void writePayload(TargetIdentity target, InjectionDir dir, String injectionId, InjectionRequest request) {
        if (request.mode() == InjectionMode.INLINE) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "mode \"inline\" is for Python: a Java probe always runs on a"
                    + " thread of its own (a JVM cannot run code on one of its threads from outside).",
                    "Leave mode out (or \"thread\"); to use a thread's class loader, name it with `thread`.");
        }
        ProbeSpec spec = new ProbeSpec(request.code(), request.params(), request.timeout(), request.outputCap(),
                request.thread().wire());
        prepared.put(dir.hostPath(), engine.prepare(jvm(target), adapt(dir), injectionId, spec));
    }

    @Override
    public Delivery deliver(TargetIdentity target, InjectionDir dir, InjectionRequest request) {
        JvmProbeEngine.Prepared p = prepared.remove(dir.hostPath());
        if (p == null) {
            throw new IllegalStateException("deliver without writePayload for " + dir.hostPath());
        }
        List<String> notes = engine.deliver(jvm(target), adapt(dir), p);
        return new JvmDelivery(jvm(target), dir, p.failure() == null, notes);
    }

    @Override
    public String stillRunningNote(InjectionRequest request, Long tid) {
        return "The probe is still running" + (tid != null ? " on thread " + tid : "") + " (its own daemon thread,"
                + " thaw-probe-*; the application's threads are not blocked by it). At its timeout ("
                + request.timeout().toMillis() + " ms after it started) thaw's agent interrupts it, and abandons it"
                + " if it is still running " + 500 + " ms later (a thread blocked on a monitor or spinning ignores"
                + " interrupts): read_output with wait_s then shows failed with the stack it was stuck in. Later"
                + " probes work regardless.";
    }

    private JvmTarget jvm(TargetIdentity t) {
        ProcessKey key = t.key();
        JvmTarget j = targets.get(key);
        if (j == null) {
            j = engine.identify(t.pid()).filter(found -> found.key().equals(key)).orElseThrow(() -> new ThawException(
                    ErrorCode.PROCESS_GONE, "JVM " + t.pid() + " is gone.", "List the live processes with list_processes."));
            targets.put(key, j);
        }
        return j;
    }

    private static ProbeDir adapt(InjectionDir dir) {
        return new ProbeDir() {
            @Override
            public Path hostPath() {
                return dir.hostPath();
            }

            @Override
            public String inRoot(String file) {
                return dir.inRoot(file);
            }

            @Override
            public void writeFile(String file, byte[] content) throws IOException {
                dir.writeFile(file, content);
            }

            @Override
            public void rename(String from, String to) throws IOException {
                dir.rename(from, to);
            }

            @Override
            public boolean exists(String file) {
                return dir.present(file);
            }

            @Override
            public void handOver() {
                dir.handOver();
            }
        };
    }

    /** A delivered probe: nothing is armed in the JVM; the resident agent picks the request up. */
    private final class JvmDelivery implements Delivery {
        private final JvmTarget target;
        private final InjectionDir dir;
        private final boolean waiting;
        private final List<String> notes;
        private final long since = System.nanoTime();
        private boolean reloaded;

        JvmDelivery(JvmTarget target, InjectionDir dir, boolean waiting, List<String> notes) {
            this.target = target;
            this.dir = dir;
            this.waiting = waiting;
            this.notes = new java.util.ArrayList<>(notes);
        }

        @Override
        public List<Long> armedTids() {
            return List.of();
        }

        @Override
        public String describe() {
            return "request for thaw's agent in JVM " + target.pid() + (notes.isEmpty() ? "" : " (" + String.join(" ", notes) + ")");
        }

        @Override
        public List<String> notes() {
            return List.copyOf(notes);
        }

        @Override
        public void refresh() {
            if (waiting && !reloaded && System.nanoTime() - since > RELOAD_AFTER_NANOS) {
                reloaded = true;
                notes.addAll(engine.loadAgain(target, adapt(dir)));
            }
        }

        @Override
        public PendingReport pending() {
            return new PendingReport("thaw's agent thread (thaw-agent) in JVM " + target.pid()
                    + " has not picked the probe up yet.", List.of(),
                    List.of("The agent picks requests up within milliseconds; if it does not, thaw loads it again after "
                            + RELOAD_AFTER_NANOS / 1_000_000 + " ms.",
                            "doctor " + target.pid() + " shows whether attach and agent loading work."));
        }

        @Override
        public int disarm() {
            return 0; // nothing armed in the JVM: the lifecycle's claim keeps the agent from starting it
        }

        @Override
        public void close() {
        }
    }
}
