package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.NextCall;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;

import java.util.ArrayList;
import java.util.List;

/**
 * An asyncio event loop's thread blocked outside its selector: the loop's {@code _run_once} is on the
 * stack, but the thread waits in a call a callback or task made (a lock, a future's result, a sleep,
 * a blocking read) with the same stack in every sample. While it does, no other task, callback or
 * timer of that loop runs. An idle loop waits in its selector instead.
 */
final class EventLoopBlockedRule implements FindingRule {

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.python()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        for (StackGroup g : facts.groups()) {
            List<Frame> frames = g.frames();
            int loop = PythonStacks.runOnce(frames);
            if (loop < 0 || PythonStacks.inSelector(frames)) {
                continue;
            }
            for (ThreadSnapshot t : g.threads()) {
                if (Facts.still(t) && !WaitClassifier.RUNNING.equals(t.state())) {
                    out.add(finding(facts, g, t, loop));
                }
            }
        }
        return out;
    }

    private static Finding finding(Facts facts, StackGroup g, ThreadSnapshot t, int loop) {
        List<Frame> frames = g.frames();
        boolean timed = WaitClassifier.TIMED_WAIT.equals(t.state()) || WaitClassifier.SLEEPING.equals(t.state());
        // The frame the loop called into: just inside Handle._run (a task's coroutine, or a callback).
        Frame entry = null;
        for (int i = loop - 1; i >= 0; i--) {
            String fn = frames.get(i).function();
            if (fn != null && fn.endsWith("Handle._run")) {
                entry = i > 0 ? frames.get(i - 1) : null;
                break;
            }
        }
        String call = PythonStacks.where(frames);
        String task = PythonStacks.runningTask(t);
        dev.thaw.snapshot.WaitedObject on = PythonStacks.waitsOn(t);
        List<String> evidence = new ArrayList<>();
        evidence.add(Facts.who(t) + ": " + t.state() + (t.syscall() != null ? " in " + t.syscall() : "")
                + ", " + facts.stillness());
        evidence.add("blocked at " + call + ", not in the selector");
        evidence.add("under " + PythonStacks.short_(frames.get(loop)));
        if (entry != null) {
            evidence.add("the loop called " + PythonStacks.short_(entry));
        }
        if (on != null) {
            evidence.add("it waits on " + dev.thaw.snapshot.WaitedObjectText.of(on));
        }
        if (task != null) {
            evidence.add("the loop's running task: \"" + task + "\" (" + t.asyncio().tasks().size() + " pending tasks on this thread)");
        }
        List<NextCall> next = new ArrayList<>();
        if (facts.pythonInjectable()) {
            next.add(Next.diagnostic(facts.pid(), "py.asyncio_tasks", "the loop's tasks and what each awaits"));
            next.add(Next.diagnostic(facts.pid(), "py.lock_waiters", "what the loop's thread waits on, and who holds it"));
        } else {
            next.add(Next.snapshot(facts.pid(), 5, "whether the loop's thread ever leaves that call"));
        }
        boolean selfWait = PythonStacks.has(frames, "Future.result") && (PythonStacks.has(frames, "run_coroutine_threadsafe")
                || frames.stream().anyMatch(f -> f.file() != null && f.file().endsWith("concurrent/futures/_base.py")));
        String summary = "The event loop on " + Facts.who(t) + " is blocked " + (timed ? "in a timed call" : "without a timeout")
                + " at " + call + PythonStacks.onObject(t)
                + (task != null ? " in task \"" + task + "\"" : "") + (entry != null ? ", called from " + entry.display() : "")
                + ": no other task or callback of this loop runs until it returns"
                + (selfWait ? "; it waits on a concurrent future from the loop's own thread, which only this loop could complete" : "")
                + ".";
        return new Finding("event_loop_blocked", summary, timed ? "medium" : "high", evidence,
                "Never block in a coroutine or callback: await the coroutine instead of"
                        + " run_coroutine_threadsafe(...).result(), use asyncio locks/queues, or move blocking code to"
                        + " loop.run_in_executor / asyncio.to_thread.", next,
                task != null ? List.of() : List.of("which task is running (the loop's task list was not read)"));
    }
}
