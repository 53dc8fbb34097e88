package dev.thaw.jvm.snapshot;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.jvm.FrameLock;
import dev.thaw.jvm.JvmFrame;
import dev.thaw.jvm.JvmIdentity;
import dev.thaw.jvm.JvmProbe;
import dev.thaw.jvm.JvmThread;
import dev.thaw.jvm.JvmThreadDump;
import dev.thaw.jvm.LockRef;
import dev.thaw.jvm.ReportedDeadlock;
import dev.thaw.jvm.ThreadDumpParser;
import dev.thaw.jvm.WaitForGraph;
import dev.thaw.jvm.attach.AttachClient;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.TaskState;
import dev.thaw.proc.TaskStates;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.JvmLocks;
import dev.thaw.snapshot.JvmThreadDetail;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotAssembler;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.ThreadStack;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code snapshot} operation for JVMs, agent-less: {@code Thread.print -l -e} over the attach
 * socket per sample (threads, frames, locks held, the lock or parker waited on and its owner,
 * HotSpot's own deadlock report), plus on JDK 21+ the virtual threads from
 * {@code Thread.dump_to_file -format=json}, assembled into the runtime-neutral {@link Snapshot}
 * with the wait-for graph and its cycles ({@link JvmLocks}). No code enters the target and no
 * JEP 451 warning is printed; it works when every application thread is deadlocked.
 *
 * <p>Thread ids: a platform thread's {@code tid} is its native id (the dump's nid, as the JVM sees
 * it; the same as thaw's when the JVM shares thaw's PID namespace, and then the kernel's view of
 * each thread is added). A virtual thread has no kernel thread: its {@code tid} is its Java id.
 *
 * <p>One instance per server: its {@link AttachClients} remembers each JVM's socket, identity and
 * protocol, so a later snapshot of the same JVM is one exchange.
 */
public final class JvmSnapshotter {

    private static final Logger LOG = LoggerFactory.getLogger(JvmSnapshotter.class);

    private final AttachClients attach;

    public JvmSnapshotter(AttachClients attach) {
        this.attach = attach;
    }

    public Snapshot snapshot(int pid, SnapshotRequest request) {
        ProcFs proc = attach.proc();
        AttachClient client = attach.to(pid);
        // A JVM already attached to is not identified again (that reads its /proc/PID/maps)
        JvmIdentity id = client.knownIdentity().or(() -> new JvmProbe(proc).inspect(pid)).orElseThrow(() -> proc.exists(pid)
                ? new ThawException(ErrorCode.NOT_A_JVM, "Process " + pid + " is not a HotSpot JVM.",
                "Pick a JVM from list_processes (CLI: thaw ps).")
                : new ProcessGoneException(pid));
        boolean sameNs = !proc.status(pid).inOtherPidNamespace();
        boolean virtual = id.featureVersion() >= 21;
        List<String> notes = new ArrayList<>();
        String takenAt = Instant.now().toString();
        List<List<ThreadStack>> samples = new ArrayList<>();
        Sample last = null;
        for (int i = 0; i < request.samples(); i++) {
            if (i > 0) {
                pause(request.intervalMs());
            }
            long t0 = System.nanoTime();
            TaskStates.Pending kernel = sameNs ? TaskStates.readAllAsync(proc, pid) : null;
            String text = client.threadDump();
            long t1 = System.nanoTime();
            JvmThreadDump dump = ThreadDumpParser.parse(text);
            long t2 = System.nanoTime();
            List<VirtualThreadDump.VirtualThread> vts = List.of();
            if (virtual) {
                try {
                    VirtualThreadDump.Dump vd = VirtualThreadDump.read(proc, pid, client, platformIds(dump));
                    vts = vd.threads();
                    if (i == 0 && !vd.hasLocks() && !vts.isEmpty()) {
                        notes.add(NO_VTHREAD_STATES);
                    }
                } catch (ThawException e) {
                    LOG.debug("pid {}: no virtual threads: {}", pid, e.getMessage());
                    if (i == 0) {
                        notes.add("Virtual threads are not shown: " + e.getMessage());
                    }
                    virtual = false;
                }
            }
            long t3 = System.nanoTime();
            Map<Integer, TaskState> states = kernel == null ? Map.of() : joinQuietly(kernel);
            long t4 = System.nanoTime();
            last = sample(dump, vts, states);
            samples.add(last.stacks);
            if (LOG.isDebugEnabled()) {
                LOG.debug("pid {}: Thread.print {} ms, parse {} ms, virtual threads {} ms, kernel join {} ms, sample {} ms",
                        pid, ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3), ms(System.nanoTime() - t4));
            }
        }
        if (!sameNs) {
            notes.add("The JVM runs in another PID namespace: tids are as the JVM sees them, and no kernel state is shown.");
        }
        if (last.internal > 0) {
            notes.add(last.internal + " JVM-internal threads (GC, JIT compiler, VM thread) are not shown.");
        }
        if (!last.dump.reportedDeadlocks().isEmpty()) {
            notes.add("HotSpot reports " + last.dump.reportedDeadlocks().size() + " Java-level deadlock"
                    + (last.dump.reportedDeadlocks().size() == 1 ? "" : "s") + " (see jvm.deadlocks).");
        }
        if (request.samples() > 1) {
            notes.add("The wait-for graph and deadlocks are from the last sample.");
        }
        String version = id.javaVersion() != null ? id.javaVersion() : last.dump.vm();
        Snapshot s = SnapshotAssembler.assemble(pid, "hotspot", version, takenAt, request, samples, notes);
        return s.withJvm(last.locks);
    }

    /** JDK 21's Thread.dump_to_file JSON has names and stacks of virtual threads, nothing else. */
    public static final String NO_VTHREAD_STATES = "This JDK's virtual-thread dump (Thread.dump_to_file, JDK 21) has no states"
            + " and no locks: a virtual thread parked on something shows as WAITING (TIMED_WAITING with a timeout),"
            + " inferred from its stack, without what it waits for or who owns it; others show no state; and a"
            + " deadlock among virtual threads cannot be detected from outside the JVM on this JDK (JDK 25's dump"
            + " reports states and locks).";

    private static java.util.Set<Long> platformIds(JvmThreadDump dump) {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (JvmThread t : dump.threads()) {
            if (t.number() > 0) {
                ids.add(t.number());
            }
        }
        return ids;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }

    private record Sample(JvmThreadDump dump, List<ThreadStack> stacks, JvmLocks locks, int internal) {
    }

    /** One sample: every Java thread (platform, then virtual) with its locks, and the lock picture. */
    static Sample sample(JvmThreadDump dump, List<VirtualThreadDump.VirtualThread> vts, Map<Integer, TaskState> kernel) {
        Map<String, JvmThread> byAddress = new HashMap<>();
        for (JvmThread t : dump.threads()) {
            byAddress.put(t.tid(), t);
        }
        WaitForGraph graph = dump.waitForGraph();
        List<JvmLocks.Edge> edges = new ArrayList<>();
        for (WaitForGraph.Edge e : graph.edges()) {
            edges.add(new JvmLocks.Edge(tid(byAddress.get(e.waiterTid())), e.waiter(), tid(byAddress.get(e.ownerTid())),
                    e.owner(), kind(e.kind()), e.lock().toString()));
        }
        List<JvmLocks.Deadlock> deadlocks = new ArrayList<>();
        for (WaitForGraph.Cycle c : graph.cycles()) {
            List<JvmLocks.Edge> ce = new ArrayList<>();
            for (WaitForGraph.Edge e : c.edges()) {
                ce.add(edges.stream().filter(x -> x.waiter() == tid(byAddress.get(e.waiterTid()))).findFirst().orElseThrow());
            }
            deadlocks.add(deadlock(ce));
        }
        List<JvmLocks.Edge> virtualEdges = virtualEdges(vts);
        edges.addAll(virtualEdges);
        deadlocks.addAll(cycles(virtualEdges));
        Set<Long> deadlocked = new HashSet<>();
        deadlocks.forEach(d -> deadlocked.addAll(d.tids()));
        Map<Long, Long> ownerOf = new HashMap<>();
        edges.forEach(e -> ownerOf.put(e.waiter(), e.owner()));

        List<ThreadStack> stacks = new ArrayList<>();
        int internal = 0;
        // A thousand threads share a few dozen distinct frames: convert each distinct frame once and
        // share the Frame (and its strings, whose hash codes are then computed once when the
        // assembler groups identical stacks).
        Map<String, Frame> frameCache = new HashMap<>();
        for (JvmThread t : dump.threads()) {
            if (!t.isJavaThread()) {
                internal++;
                continue;
            }
            long tid = tid(t);
            TaskState ks = t.nid() > 0 ? kernel.get((int) t.nid()) : null;
            List<Frame> frames = new ArrayList<>(t.frames().size());
            for (JvmFrame f : t.frames()) {
                frames.add(frameCache.computeIfAbsent(f.text(), k -> JvmFrames.of(f)));
            }
            ThreadSnapshot ts = new ThreadSnapshot(tid, t.name(), t.name().equals("main") && !t.daemon(), null,
                    t.state().name(), ks == null ? null : ks.stateName(), ks == null ? null : ks.syscall(),
                    ks == null ? null : ks.wchan(), null, t.waitingFor().map(JvmSnapshotter::describe).orElse(null),
                    t.heldLocks().stream().map(LockRef::toString).toList(), ownerOf.get(tid), null,
                    new JvmThreadDetail(t.number(), t.daemon(), false, t.status(), deadlocked.contains(tid),
                            JvmHousekeeping.is(t.name())));
            stacks.add(new ThreadStack(ts, List.copyOf(frames)));
        }
        for (VirtualThreadDump.VirtualThread v : vts) {
            String waited = v.blockedOn() != null ? "monitor " + v.blockedOn()
                    : v.waitingOn() != null ? "Object.wait() on " + v.waitingOn()
                    : v.parkBlocker() != null ? "park on " + v.parkBlocker() : null;
            ThreadSnapshot ts = new ThreadSnapshot(v.javaId(), v.name(), false, null, v.state(), null, null, null, null,
                    waited, v.monitorsOwned(), ownerOf.get(v.javaId()), null,
                    new JvmThreadDetail(v.javaId(), true, true, null, deadlocked.contains(v.javaId()), false));
            stacks.add(new ThreadStack(ts, v.frames()));
        }
        List<List<String>> reported = dump.reportedDeadlocks().stream().map(ReportedDeadlock::threadNames).toList();
        return new Sample(dump, stacks, new JvmLocks(edges, deadlocks, reported, vts.size()), internal);
    }

    /** Monitor edges among virtual threads ({@code blockedOn} matched to {@code monitorsOwned}), and parkers with a named owner. */
    private static List<JvmLocks.Edge> virtualEdges(List<VirtualThreadDump.VirtualThread> vts) {
        Map<String, VirtualThreadDump.VirtualThread> owner = new HashMap<>();
        Map<Long, VirtualThreadDump.VirtualThread> byId = new HashMap<>();
        for (VirtualThreadDump.VirtualThread v : vts) {
            v.monitorsOwned().forEach(m -> owner.putIfAbsent(m, v));
            byId.put(v.javaId(), v);
        }
        List<JvmLocks.Edge> out = new ArrayList<>();
        for (VirtualThreadDump.VirtualThread v : vts) {
            VirtualThreadDump.VirtualThread o = v.blockedOn() != null ? owner.get(v.blockedOn())
                    : v.parkOwner() != null ? byId.get(v.parkOwner()) : null;
            if (o != null && o.javaId() != v.javaId()) {
                out.add(new JvmLocks.Edge(v.javaId(), v.name(), o.javaId(), o.name(),
                        v.blockedOn() != null ? "monitor" : "j.u.c lock",
                        v.blockedOn() != null ? v.blockedOn() : v.parkBlocker()));
            }
        }
        return out;
    }

    /** Cycles in edges where every waiter has at most one out-edge. */
    private static List<JvmLocks.Deadlock> cycles(List<JvmLocks.Edge> edges) {
        Map<Long, JvmLocks.Edge> out = new HashMap<>();
        edges.forEach(e -> out.putIfAbsent(e.waiter(), e));
        Set<Long> done = new HashSet<>();
        List<JvmLocks.Deadlock> found = new ArrayList<>();
        for (JvmLocks.Edge start : edges) {
            List<Long> walk = new ArrayList<>();
            long cur = start.waiter();
            while (!done.contains(cur) && !walk.contains(cur) && out.containsKey(cur)) {
                walk.add(cur);
                cur = out.get(cur).owner();
            }
            if (walk.contains(cur)) {
                List<JvmLocks.Edge> ce = new ArrayList<>();
                for (Long t : walk.subList(walk.indexOf(cur), walk.size())) {
                    ce.add(out.get(t));
                }
                found.add(deadlock(ce));
            }
            done.addAll(walk);
        }
        return found;
    }

    private static JvmLocks.Deadlock deadlock(List<JvmLocks.Edge> ce) {
        return new JvmLocks.Deadlock(ce.stream().map(JvmLocks.Edge::waiter).toList(),
                ce.stream().map(JvmLocks.Edge::waiterName).toList(), List.copyOf(ce));
    }

    private static long tid(JvmThread t) {
        return t == null ? -1 : t.nid() > 0 ? t.nid() : t.number();
    }

    private static String kind(FrameLock.Kind k) {
        return switch (k) {
            case WAITING_TO_RELOCK -> "monitor (re-lock after wait)";
            case PARKING -> "j.u.c lock";
            default -> "monitor";
        };
    }

    private static String describe(FrameLock l) {
        return switch (l.kind()) {
            case WAITING_TO_LOCK -> "monitor " + l.lock();
            case WAITING_TO_RELOCK -> "monitor (re-lock after wait) " + l.lock();
            case WAITING_ON -> "Object.wait() on " + l.lock();
            case PARKING -> "park on " + l.lock();
            case CLASS_INIT -> "class initialization of " + l.lock().className();
            default -> l.lock().toString();
        };
    }

    private static Map<Integer, TaskState> joinQuietly(TaskStates.Pending f) {
        try {
            return f.join();
        } catch (RuntimeException e) {
            return Map.of(); // the kernel's view is extra; the dump is the answer
        }
    }

    private static void pause(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ThawException(ErrorCode.INTERRUPTED, "The snapshot was interrupted.", null);
        }
    }
}
