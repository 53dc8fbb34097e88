package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.NextCall;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;
import dev.thaw.snapshot.WaitedObject;
import dev.thaw.snapshot.WaitedObjectText;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A lost wake-up among Python threads: something waits without a timeout for a notify, a set or a put
 * that nothing alive is going to send — the thread that was to send it ended (often with an exception
 * nobody saw) or skipped it. Fires when a thread waits without a timeout on a Condition, Event, Queue,
 * Semaphore, Barrier or Future (what the reader found it waits through), unchanged, while another thread
 * joins threads (the program expects it to finish, so this is not a consumer idling for work), and no
 * other thread runs or waits on anything but a timed sleep. Who was meant to send the wake-up is gone,
 * so no snapshot shows it: the rule says so, and proposes the diagnostic that reads it from inside.
 * Greenlets and asyncio tasks have rules of their own ({@link GreenletLostWakeupRule},
 * {@link TaskLostWakeupRule}), same kind.
 */
final class LostWakeupRule implements FindingRule {

    static final int SHOWN = 4;

    /** Python objects a wait for another thread's notify/set/put goes through (role {@code self} or {@code receiver}). */
    private static final List<String> NOTIFY_TYPES = List.of(".Condition", ".Event", "Queue", ".Semaphore",
            ".BoundedSemaphore", ".Barrier", ".Future", "AsyncResult");

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.python()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        threads(facts).ifPresent(out::add);
        return out;
    }

    // ---- threads -------------------------------------------------------------------------------------

    private record Waiter(ThreadSnapshot t, StackGroup g, WaitedObject on) {
    }

    private static java.util.Optional<Finding> threads(Facts facts) {
        if (!facts.wholeProcess()) {
            return java.util.Optional.empty();
        }
        List<Waiter> waiters = new ArrayList<>();
        List<String> joiners = new ArrayList<>();
        List<String> sleepers = new ArrayList<>();
        List<String> active = new ArrayList<>();
        for (StackGroup g : facts.groups()) {
            for (ThreadSnapshot t : g.threads()) {
                WaitedObject on = notifyObject(t);
                if (IdleWaits.joinsOthers(g.frames()) && Facts.still(t)) {
                    joiners.add(Facts.who(t));
                } else if (on != null && WaitClassifier.LOCK_WAIT.equals(t.state()) && Facts.still(t)
                        && !excluded(t, g.frames())) {
                    waiters.add(new Waiter(t, g, on));
                } else if (WaitClassifier.SLEEPING.equals(t.state()) || WaitClassifier.TIMED_WAIT.equals(t.state())) {
                    sleepers.add(Facts.who(t)); // wakes by itself: could send it, but shows no sign of it
                } else {
                    active.add(Facts.who(t) + " (" + g.activity() + " at " + PythonStacks.where(g.frames()) + ")");
                }
            }
        }
        if (waiters.isEmpty() || joiners.isEmpty() || !active.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<String> who = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        for (Waiter w : waiters.subList(0, Math.min(SHOWN, waiters.size()))) {
            Frame app = PythonStacks.firstApplicationFrame(w.g().frames());
            String at = app == null ? PythonStacks.where(w.g().frames()) : PythonStacks.short_(app);
            who.add(Facts.who(w.t()) + " in " + waitFunction(w) + " on " + WaitedObjectText.brief(w.on()) + " called from " + at);
            evidence.add(Facts.who(w.t()) + ": futex wait without timeout at " + PythonStacks.where(w.g().frames())
                    + ", through " + WaitedObjectText.of(w.on()) + ", " + facts.stillness());
        }
        evidence.add(String.join(", ", joiners.subList(0, Math.min(2, joiners.size()))) + " join"
                + (joiners.size() == 1 ? "s" : "") + " threads: the program waits for these to finish");
        evidence.add(sleepers.isEmpty() ? "no other thread is running or waiting on anything"
                : "the only other threads sleep or wait with a timeout: " + String.join(", ", sleepers.subList(0, Math.min(3, sleepers.size()))));
        List<NextCall> next = new ArrayList<>();
        if (facts.pythonInjectable()) {
            next.add(Next.diagnostic(facts.pid(), "py.threads", Map.of("max_threads", 50),
                    "the threads that ended (still referenced) and whether an exception hook hid their failure"));
            next.add(Next.diagnostic(facts.pid(), "py.lock_waiters", Map.of("max_threads", 50),
                    "each waiter's object, its variable name, and who could notify it"));
        } else {
            next.add(Next.snapshot(facts.pid(), 5, "the waiters stay where they are"));
        }
        String verb = waiters.size() == 1 ? " waits" : " wait";
        String summary = "Lost wake-up: " + String.join("; ", who) + (waiters.size() > SHOWN ? "; …" : "") + verb
                + " without a timeout for a notify, set or put, and the program joins " + (waiters.size() == 1 ? "it" : "them")
                + "; no live thread is running or waiting on anything that would send it"
                + (sleepers.isEmpty() ? "" : " (the others only sleep)")
                + ": the thread that was to send it most likely ended (an exception, or a path that skips it), so "
                + (waiters.size() == 1 ? "it waits" : "they wait") + " forever.";
        // Never high: a signal handler (a shutdown Event set on SIGTERM) or another process can still send it.
        return java.util.Optional.of(new Finding("lost_wakeup", summary, "medium", evidence,
                "Send the wake-up in a finally block (put the result or the exception, set the event, notify), wait with"
                        + " a timeout, and let thread failures reach a log (threading.excepthook).", next,
                List.of("which thread was to send it: a thread that ended is in no snapshot (py.threads lists finished"
                        + " Thread objects still referenced)",
                        "whether a sleeping thread, a signal handler (an Event set on SIGTERM) or another process would"
                                + " send it after all")));
    }

    /** What a waiter waits through that another thread must notify, set or fill (outermost first: the Queue, not its Condition). */
    static WaitedObject notifyObject(ThreadSnapshot t) {
        if (t.python() == null || t.python().waitsOn() == null) {
            return null;
        }
        WaitedObject found = null;
        for (WaitedObject w : t.python().waitsOn()) {
            if (w.type() != null && !"call".equals(w.role()) && NOTIFY_TYPES.stream().anyMatch(w.type()::endsWith)) {
                found = w;
            }
        }
        return found;
    }

    /** Waits other rules explain, or that are idle by design: pool workers, event loops, greenlets on a hub. */
    private static boolean excluded(ThreadSnapshot t, List<Frame> frames) {
        return PythonStacks.idlePoolWorker(t, frames) || PythonStacks.geventThreadpoolWorker(frames)
                || PoolWorkersWaitRule.worker(frames) || PythonStacks.eventLoopThread(frames)
                || PythonStacks.runsGreenlet(t, frames);
    }

    private static String waitFunction(Waiter w) {
        String f = w.on().function();
        if (f == null) {
            return PythonStacks.where(w.g().frames());
        }
        int arrow = f.indexOf(" →");
        return arrow > 0 ? f.substring(0, arrow) : f;
    }
}
