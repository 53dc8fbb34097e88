package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.NextCall;
import dev.thaw.snapshot.AsyncTask;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A possible lost wake-up among asyncio tasks: on a thread whose event loop turns (idle in its selector,
 * or running a callback), a pending task that another task awaits (the program expects it to finish)
 * waits on something no task completes: its own application frame awaits a bare Future (it awaits no
 * task), or it waits in asyncio's {@code Event.wait}. Who was to complete it (a thread that ended, a
 * callback never scheduled) is in no snapshot: {@code low}.
 */
final class TaskLostWakeupRule implements FindingRule {

    static final int SHOWN = LostWakeupRule.SHOWN;

    @Override
    public List<Finding> apply(Facts facts) {
        return facts.python() ? tasks(facts) : List.of();
    }

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
                List<AsyncTask> parked = new ArrayList<>();
                for (AsyncTask task : t.asyncio().tasks()) {
                    if (task.running() || !task.complete() || task.stack().isEmpty() || task.awaitedBy().isEmpty()) {
                        continue;
                    }
                    Frame top = task.stack().get(0);
                    boolean bareFuture = PythonStacks.application(top) && !awaitingATask.contains(task.id());
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

    private static Finding taskFinding(Facts facts, StackGroup g, ThreadSnapshot t, List<AsyncTask> parked,
                                       Map<String, String> names) {
        List<String> who = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        for (AsyncTask task : parked.subList(0, Math.min(SHOWN, parked.size()))) {
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
}
