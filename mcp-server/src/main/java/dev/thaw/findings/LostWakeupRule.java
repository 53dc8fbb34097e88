package dev.thaw.findings;

import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.Greenlet;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;
import dev.thaw.snapshot.WaitedObject;
import dev.thaw.snapshot.WaitedObjectText;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A lost wake-up (Python): something waits without a timeout for a notify, a set or a put that nothing
 * alive is going to send — the thread or greenlet that was to send it ended (often with an exception
 * nobody saw) or skipped it. Two shapes, each on evidence:
 * <ul>
 *   <li>a thread waits without a timeout on a Condition, Event, Queue, Semaphore, Barrier or Future
 *   (what the reader found it waits through), unchanged, while another thread joins threads (the program
 *   expects it to finish, so this is not a consumer idling for work), and no other thread runs or waits on
 *   anything but a timed sleep or an idle wait;</li>
 *   <li>on a thread whose gevent hub has the thread (in its loop: no greenlet runs), greenlets are suspended in application
 *   frames: gevent's waits are compiled and leave no frame, so the application line is the call into an
 *   Event, AsyncResult, Queue, lock or join.</li>
 * </ul>
 * Who was meant to send the wake-up is gone, so no snapshot shows it: the rule says so, and proposes
 * the diagnostic that names the object and its state from inside.
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
        out.addAll(greenlets(facts));
        out.addAll(tasks(facts));
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
        return java.util.Optional.of(new Finding("lost_wakeup", summary, sleepers.isEmpty() ? "high" : "medium", evidence,
                "Send the wake-up in a finally block (put the result or the exception, set the event, notify), wait with"
                        + " a timeout, and let thread failures reach a log (threading.excepthook).", next,
                List.of("which thread was to send it: a thread that ended is in no snapshot (py.threads lists finished"
                        + " Thread objects still referenced)",
                        "whether a sleeping thread would send it after all")));
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

    // ---- greenlets -----------------------------------------------------------------------------------

    private static List<Finding> greenlets(Facts facts) {
        List<Finding> out = new ArrayList<>();
        for (StackGroup g : facts.groups()) {
            // the hub has the thread (Hub.run innermost, idle or turning its loop for timers): no greenlet runs
            if (!PythonStacks.idleGeventHub(g.frames())) {
                continue;
            }
            for (ThreadSnapshot t : g.threads()) {
                if (t.greenlets() == null) {
                    continue;
                }
                List<Greenlet> parked = new ArrayList<>();
                Greenlet joiner = null;
                for (Greenlet gl : t.greenlets()) {
                    if (gl.hub() || gl.frames().isEmpty()) {
                        continue;
                    }
                    if ("main".equals(gl.state())) {
                        joiner = joins(gl.frames()) ? gl : joiner;
                    } else if ("suspended".equals(gl.state()) && application(gl.frames().get(0))) {
                        parked.add(gl);
                    }
                }
                if (!parked.isEmpty()) {
                    out.add(greenletFinding(facts, g, t, parked, joiner));
                }
            }
        }
        return out;
    }

    private static Finding greenletFinding(Facts facts, StackGroup g, ThreadSnapshot t, List<Greenlet> parked, Greenlet joiner) {
        List<String> who = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        for (Greenlet gl : parked.subList(0, Math.min(SHOWN, parked.size()))) {
            String name = gl.name() != null ? "\"" + gl.name() + "\"" : gl.type() + " " + gl.id();
            who.add(name + " at " + PythonStacks.short_(gl.frames().get(0)));
            evidence.add("greenlet " + gl.id() + " " + name + " suspended with no gevent frame under its application line");
        }
        evidence.add(Facts.who(t) + ": the hub has the thread, in its loop (" + g.activity() + ", " + facts.stillness() + ")");
        if (joiner != null) {
            evidence.add("the main greenlet waits for greenlets to finish at " + PythonStacks.short_(joiner.frames().get(0))
                    + (joiner.frames().size() > 1 ? " from " + PythonStacks.short_(PythonStacks.firstApplicationFrame(joiner.frames())) : ""));
        }
        List<NextCall> next = new ArrayList<>();
        if (facts.pythonInjectable()) {
            next.add(Next.diagnostic(facts.pid(), "py.gevent_greenlets", Map.of("max_frames", 8),
                    "what each greenlet waits on (the Event, AsyncResult or Queue and its state) and whether anything can set it"));
            next.add(Next.diagnostic(facts.pid(), "py.threads", Map.of("max_threads", 50),
                    "threads that ended, and whether their exceptions were hidden"));
        } else {
            next.add(Next.snapshot(facts.pid(), 5, "the greenlets stay suspended at the same lines"));
        }
        String n = parked.size() == 1 ? "a greenlet" : parked.size() + " greenlets";
        String summary = "Possible lost wake-up: on " + Facts.who(t) + " the gevent hub turns its loop while " + n + " "
                + (parked.size() == 1 ? "is" : "are") + " suspended in application code at a gevent wait ("
                + String.join("; ", who) + (parked.size() > SHOWN ? "; …" : "") + ")"
                + (joiner != null ? " that the main greenlet waits to finish" : "")
                + ": one waiting on an Event or AsyncResult that a thread or greenlet that is gone was to set never"
                + " wakes; one waiting on an empty Queue for work is only idle.";
        return new Finding("lost_wakeup", summary, joiner != null ? "medium" : "low", evidence,
                "Set the result in a finally block (AsyncResult.set_exception on failure), hand blocking work to"
                        + " gevent's threadpool (it propagates exceptions), and wait with a timeout.", next,
                List.of("what each greenlet waits on and whether it has a timeout: gevent's waits are compiled, so the"
                        + " object is not on the stack (py.gevent_greenlets names it and its state)"));
    }

    // ---- asyncio tasks -------------------------------------------------------------------------------

    /**
     * On a thread whose event loop turns (idle in its selector, or running a callback): pending tasks that another task awaits (so the
     * program expects them to finish) and that wait on something no task completes — a bare Future their
     * own application frame awaits (no task is awaited by them), or an asyncio Event.
     */
    private static List<Finding> tasks(Facts facts) {
        List<Finding> out = new ArrayList<>();
        for (StackGroup g : facts.groups()) {
            // the loop turns: idle in its selector, or caught running a callback (a heartbeat); a loop blocked
            // outside its selector is event_loop_blocked's, and its pending tasks are only starved
            boolean turning = PythonStacks.inSelector(g.frames()) || Activity.RUNNING.equals(g.activity());
            if (!turning || !PythonStacks.eventLoopThread(g.frames())) {
                continue;
            }
            for (ThreadSnapshot t : g.threads()) {
                if (t.asyncio() == null || t.asyncio().tasks() == null) {
                    continue;
                }
                java.util.Set<String> awaitingATask = new java.util.HashSet<>();
                t.asyncio().tasks().forEach(task -> awaitingATask.addAll(task.awaitedBy()));
                Map<String, String> names = new java.util.HashMap<>();
                t.asyncio().tasks().forEach(task -> names.put(task.id(), task.name()));
                List<dev.thaw.snapshot.AsyncTask> parked = new ArrayList<>();
                for (dev.thaw.snapshot.AsyncTask task : t.asyncio().tasks()) {
                    if (task.running() || !task.complete() || task.stack().isEmpty() || task.awaitedBy().isEmpty()) {
                        continue;
                    }
                    Frame top = task.stack().get(0);
                    boolean bareFuture = application(top) && !awaitingATask.contains(task.id());
                    boolean event = "Event.wait".equals(top.function()) && PythonStacks.fileEndsWith(top, "asyncio/locks.py");
                    if (bareFuture || event) {
                        parked.add(task);
                    }
                }
                if (!parked.isEmpty()) {
                    out.add(taskFinding(facts, g, t, parked, names));
                }
            }
        }
        return out;
    }

    private static Finding taskFinding(Facts facts, StackGroup g, ThreadSnapshot t, List<dev.thaw.snapshot.AsyncTask> parked,
                                       Map<String, String> names) {
        List<String> who = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        for (dev.thaw.snapshot.AsyncTask task : parked.subList(0, Math.min(SHOWN, parked.size()))) {
            Frame app = PythonStacks.firstApplicationFrame(task.stack());
            String by = task.awaitedBy().stream().map(id -> "\"" + names.getOrDefault(id, id) + "\"").limit(2)
                    .reduce((a, b) -> a + ", " + b).orElse("");
            who.add("\"" + task.name() + "\" at " + PythonStacks.short_(app) + " (awaited by " + by + ")");
            evidence.add("task \"" + task.name() + "\" " + task.id() + ": pending at " + PythonStacks.short_(task.stack().get(0))
                    + (task.awaits() == null ? "" : ", awaiting " + task.awaits()) + ", awaited by " + by);
        }
        evidence.add(Facts.who(t) + ": the event loop turns (" + g.activity() + "), its other tasks run; " + facts.stillness());
        List<NextCall> next = new ArrayList<>();
        next.add(facts.pythonInjectable()
                ? Next.diagnostic(facts.pid(), "py.asyncio_tasks", Map.of(), "every task, what it awaits and who could complete it")
                : Next.snapshot(facts.pid(), 5, "the tasks stay pending at the same lines"));
        String summary = "Possible lost wake-up: while the event loop on " + Facts.who(t) + " turns, "
                + (parked.size() == 1 ? "task " : parked.size() + " tasks ") + String.join("; ", who)
                + (parked.size() == 1 ? " waits" : " wait") + " on a future or event that no task completes: if a thread"
                + " or callback that is gone was to set it (call_soon_threadsafe never called), "
                + (parked.size() == 1 ? "it waits" : "they wait") + " forever, and so do " + (parked.size() == 1 ? "its awaiters" : "their awaiters") + ".";
        return new Finding("lost_wakeup", summary, "low", evidence,
                "Complete the future in a finally block (set_exception on failure) or use loop.run_in_executor /"
                        + " asyncio.to_thread, which propagate exceptions; await with asyncio.timeout().", next,
                List.of("who was to complete it and whether that can still happen (a thread that ended is in no snapshot)"));
    }

    /** Application code: neither gevent's, greenlet's nor the standard library's. */
    private static boolean application(Frame f) {
        String file = f.file() == null ? "" : f.file();
        return !file.contains("/lib/python3") && !file.contains("/gevent/") && !file.contains("/greenlet/")
                && !file.startsWith("<frozen");
    }

    /** The main greenlet waits for others: a join in gevent (Greenlet.join, joinall, Group/Pool.join, wait). */
    private static boolean joins(List<Frame> frames) {
        for (int i = 0; i < Math.min(frames.size(), 4); i++) {
            String fn = frames.get(i).function();
            if (fn != null && PythonStacks.gevent(frames.get(i)) && (fn.endsWith(".join") || fn.equals("joinall")
                    || fn.endsWith("wait"))) {
                return true;
            }
        }
        return false;
    }
}
