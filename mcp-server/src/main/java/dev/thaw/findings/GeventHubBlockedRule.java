package dev.thaw.findings;

import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;

import java.util.ArrayList;
import java.util.List;

/**
 * A greenlet blocks the gevent hub in a real (unpatched) call: an OS thread that runs greenlet code
 * (its outermost frame is a greenlet's entry, see {@link PythonStacks#runsGreenlet}) is blocked in the
 * kernel with the same stack in every sample. While it is, the hub on that thread never runs: no other
 * greenlet, timer or I/O callback of that thread makes progress. A cooperative wait would have
 * switched to the hub, and the snapshot would show {@code Hub.run} instead.
 */
final class GeventHubBlockedRule implements FindingRule {

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.python()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        for (StackGroup g : facts.groups()) {
            for (ThreadSnapshot t : g.threads()) {
                if (!PythonStacks.runsGreenlet(t, g.frames()) || !Facts.still(t)
                        || WaitClassifier.RUNNING.equals(t.state()) || t.syscall() == null) {
                    continue;
                }
                out.add(finding(facts, g, t));
            }
        }
        return out;
    }

    private static Finding finding(Facts facts, StackGroup g, ThreadSnapshot t) {
        List<Frame> frames = g.frames();
        boolean timed = WaitClassifier.TIMED_WAIT.equals(t.state()) || WaitClassifier.SLEEPING.equals(t.state());
        boolean patched = PythonStacks.patchedThreadOnMain(t, frames);
        String call = PythonStacks.where(frames);
        Frame app = PythonStacks.firstApplicationFrame(frames);
        List<String> evidence = new ArrayList<>();
        evidence.add(Facts.who(t) + ": " + t.state() + " in " + t.syscall() + ", " + facts.stillness());
        evidence.add("innermost frame " + call + (app != null && app != frames.get(0) ? "; application frame " + PythonStacks.short_(app) : ""));
        evidence.add("outermost frame " + PythonStacks.short_(frames.get(frames.size() - 1))
                + ": a greenlet's entry on this OS thread, not the thread's own first frame");
        if (patched) {
            evidence.add("threading is monkey-patched: a patched Thread's bootstrap runs as a greenlet on the main OS thread");
        }
        List<String> unchecked = new ArrayList<>();
        unchecked.add("the type of the object it blocks on, and whether gevent patched that type (needs the"
                + " waited-on object's type and the loaded modules' patch state)");
        if (!patched) {
            unchecked.add("whether monkey-patching is active (no patched Thread is visible on this thread)");
        }
        List<NextCall> next = new ArrayList<>();
        if (facts.pythonInjectable()) {
            next.add(Next.diagnostic(facts.pid(), "py.gevent_patching", "what was patched, and which objects predate patching"));
            next.add(Next.diagnostic(facts.pid(), "py.gevent_greenlets", "every greenlet and what it waits on"));
        } else {
            next.add(Next.snapshot(facts.pid(), 5, "the hub's thread stays in the same call (nothing can be injected: no thread reaches a safe point)"));
        }
        String summary = "A greenlet blocks the gevent hub: " + Facts.who(t) + " is in a real " + t.syscall()
                + (timed ? " (timed)" : " wait without a timeout") + " at " + call
                + ", so no other greenlet on this thread can run"
                + (patched ? "; patching is active, so the object it blocks on is most likely one gevent did not patch"
                + " (created before monkey.patch_all())" : "")
                + (facts.pythonInjectable() ? "" : "; no thread can run an injected script") + ".";
        return new Finding("gevent_hub_blocked", summary, patched && !timed ? "high" : "medium", evidence,
                "Call monkey.patch_all() before anything imports threading, queue or concurrent.futures (so objects"
                        + " are created patched), or run the blocking call off the hub with gevent's threadpool"
                        + " (gevent.get_hub().threadpool.spawn).", next, unchecked);
    }
}
