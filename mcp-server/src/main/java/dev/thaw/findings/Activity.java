package dev.thaw.findings;

import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;

import java.util.List;
import java.util.Set;

/**
 * What a group of threads is doing, in four words: {@code running} (on a CPU, or its stack moved
 * between samples), {@code idle} (a wait healthy programs sit in: an event loop's selector with
 * nothing ready, an idle gevent hub, a pool worker on its empty work queue, a timed sleep, a server in
 * accept, runtime housekeeping), {@code stuck} (blocked without a timeout with the same stack in every
 * sample, on something that is not an idle wait) and {@code waiting} (anything else that waits: a
 * timed wait, I/O, one sample only, a join on other threads whose own groups carry the verdict).
 */
public final class Activity {

    public static final String RUNNING = "running";
    public static final String WAITING = "waiting";
    public static final String IDLE = "idle";
    public static final String STUCK = "stuck";

    /** Python thread states that wait with no timeout and need another thread (or process) to end them. */
    private static final Set<String> PY_UNTIMED = Set.of(WaitClassifier.LOCK_WAIT, WaitClassifier.CHILD_WAIT,
            WaitClassifier.WAITING, WaitClassifier.DISK);

    /** JDK and VM threads by name prefix (the attach layer marks the exact JDK names; these add the VM's own). */
    private static final List<String> JVM_HOUSEKEEPING_PREFIXES = List.of("C1 CompilerThread", "C2 CompilerThread",
            "GC Thread", "G1 ", "VM Thread", "VM Periodic Task Thread", "JVMCI", "Attach Listener", "Common-Cleaner",
            "Reference Handler", "Finalizer", "Signal Dispatcher", "Notification Thread", "Service Thread",
            "Monitor Deflation Thread", "Sweeper thread", "process reaper", "DestroyJavaVM", "Keep-Alive-Timer",
            "Java2D Disposer", "AWT-", "RMI ", "JFR ", "Cleaner-");

    private Activity() {
    }

    /**
     * A JVM housekeeping thread: a JDK or VM thread that waits on its own queue in every healthy JVM
     * (Reference Handler, Finalizer, compiler and GC threads, Attach Listener, process reaper, ...). Not
     * when it is part of a hang: deadlocked, or blocked on a lock another thread owns (a finalizer stuck
     * on an application's monitor is a cause, not housekeeping). The one test for every rule and view.
     */
    public static boolean housekeeping(ThreadSnapshot t) {
        if (t.jvm() == null || t.jvm().deadlocked() || t.jvm().virtual() || t.owner() != null || "BLOCKED".equals(t.state())) {
            return false;
        }
        if (t.jvm().housekeeping()) {
            return true;
        }
        if (t.name() != null) {
            for (String p : JVM_HOUSEKEEPING_PREFIXES) {
                if (t.name().startsWith(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A group of JVM housekeeping threads: each is {@link #housekeeping(ThreadSnapshot)}, or the group is
     * VM-internal (no Java frames, waiting on nothing named: a compiler or GC thread under another name).
     */
    public static boolean housekeeping(StackGroup g) {
        if (g.threads().isEmpty()) {
            return false;
        }
        for (ThreadSnapshot t : g.threads()) {
            boolean vmInternal = g.frames().isEmpty() && t.jvm() != null && !t.jvm().deadlocked() && !t.jvm().virtual()
                    && t.lockWaitedOn() == null;
            if (!vmInternal && !housekeeping(t)) {
                return false;
            }
        }
        return true;
    }

    public static String of(StackGroup g) {
        ThreadSnapshot t = g.threads().get(0);
        List<Frame> frames = g.frames();
        boolean jvm = t.jvm() != null;
        if (jvm) {
            if (housekeeping(g) || IdleWaits.jvm(t, frames)) {
                return IDLE;
            }
            if ("RUNNABLE".equals(t.state()) && !kernelBlocked(t)) {
                // RUNNABLE covers native calls that block (a read, a poll): the kernel tells them apart
                boolean asleep = "sleeping".equals(t.kernelState()) && t.syscall() != null && !"running".equals(t.syscall());
                return asleep ? WAITING : RUNNING;
            }
            if (Boolean.FALSE.equals(t.stuck())) {
                return RUNNING;
            }
        } else {
            if (WaitClassifier.RUNNING.equals(t.state()) || Boolean.FALSE.equals(t.stuck())) {
                return RUNNING; // on a CPU, or its stack moved between samples
            }
            if (IdleWaits.python(t, frames)) {
                return IDLE;
            }
        }
        if (IdleWaits.joinsOthers(frames)) {
            return WAITING;
        }
        return untimed(t) && Boolean.TRUE.equals(t.stuck()) ? STUCK : WAITING;
    }

    /** Waits with no timeout (a lock, a park, a join, a child): only another thread or process can end it. */
    static boolean untimed(ThreadSnapshot t) {
        return t.jvm() != null ? "WAITING".equals(t.state()) || "BLOCKED".equals(t.state())
                || ("RUNNABLE".equals(t.state()) && kernelBlocked(t))
                : PY_UNTIMED.contains(t.state());
    }

    /**
     * Stuck, or, with one sample (where "the same in every sample" cannot be told), a wait without a
     * timeout that is not idle: what rules may build on, with the one-sample caveat the engine adds.
     */
    static boolean blocked(StackGroup g, boolean oneSample) {
        return STUCK.equals(g.activity()) || (oneSample && WAITING.equals(g.activity())
                && untimed(g.threads().get(0)) && !IdleWaits.joinsOthers(g.frames()));
    }

    /** A RUNNABLE Java thread the kernel shows asleep in a lock (class initialisation waits look like this). */
    private static boolean kernelBlocked(ThreadSnapshot t) {
        return "futex".equals(t.syscall()) && "sleeping".equals(t.kernelState())
                && t.jvm() != null && t.jvm().status() != null && t.jvm().status().contains("Object.wait");
    }
}
