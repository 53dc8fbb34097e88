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

    private Activity() {
    }

    public static String of(StackGroup g) {
        ThreadSnapshot t = g.threads().get(0);
        List<Frame> frames = g.frames();
        boolean jvm = t.jvm() != null;
        if (jvm) {
            if (IdleWaits.jvm(t, frames)) {
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
