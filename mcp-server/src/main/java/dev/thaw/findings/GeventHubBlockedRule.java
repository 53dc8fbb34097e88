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
 * A greenlet blocks the gevent hub in a real (unpatched) call: an OS thread that runs greenlet code
 * (its outermost frame is a greenlet's entry, see {@link PythonStacks#runsGreenlet}) is blocked in the
 * kernel with the same stack in every sample. While it is, the hub on that thread never runs: no other
 * greenlet, timer or I/O callback of that thread makes progress. A cooperative wait would have
 * switched to the hub, and the snapshot would show {@code Hub.run} instead.
 */
final class GeventHubBlockedRule implements FindingRule {

    /** CPython's own blocking types: under gevent's patching, code gets gevent's cooperative ones instead. */
    private static final java.util.Set<String> NATIVE_BLOCKING = java.util.Set.of("_thread.lock", "_thread.RLock",
            "_queue.SimpleQueue", "select.epoll", "select.poll");

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
        // Patching as the process's own sys.modules says (gevent.monkey.saved), else as a patched Thread on
        // this thread shows it.
        List<String> patchedModules = facts.snapshot().python() == null || facts.snapshot().python().modules() == null
                ? null : facts.snapshot().python().modules().geventPatched();
        boolean patched = (patchedModules != null && !patchedModules.isEmpty()) || PythonStacks.patchedThreadOnMain(t, frames);
        dev.thaw.snapshot.WaitedObject blockedOn = t.python() == null || t.python().waitsOn() == null
                || t.python().waitsOn().isEmpty() ? null : t.python().waitsOn().get(0);
        String nativeType = blockedOn != null && NATIVE_BLOCKING.contains(blockedOn.type()) ? blockedOn.type() : null;
        String call = PythonStacks.where(frames);
        Frame app = PythonStacks.firstApplicationFrame(frames);
        List<String> evidence = new ArrayList<>();
        evidence.add(Facts.who(t) + ": " + t.state() + " in " + t.syscall() + ", " + facts.stillness());
        evidence.add("innermost frame " + call + (app != null && app != frames.get(0) ? "; application frame " + PythonStacks.short_(app) : ""));
        evidence.add("outermost frame " + PythonStacks.short_(frames.get(frames.size() - 1))
                + ": a greenlet's entry on this OS thread, not the thread's own first frame");
        if (patchedModules != null && !patchedModules.isEmpty()) {
            evidence.add("gevent.monkey patched " + String.join(", ", patchedModules) + " (read from gevent.monkey.saved)");
        } else if (patched) {
            evidence.add("threading is monkey-patched: a patched Thread's bootstrap runs as a greenlet on the main OS thread");
        }
        if (blockedOn != null) {
            evidence.add("it blocks on " + dev.thaw.snapshot.WaitedObjectText.of(blockedOn));
        }
        List<String> unchecked = new ArrayList<>();
        if (blockedOn == null) {
            unchecked.add("the type of the object it blocks on (not readable from its frames)");
        }
        if (!patched && patchedModules == null) {
            unchecked.add("whether monkey-patching is active (gevent.monkey not read, and no patched Thread is visible)");
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
                + (blockedOn != null ? " on a " + blockedOn.type() : "")
                + ", so no other greenlet on this thread can run"
                + (patched && nativeType != null ? "; patching is active, yet " + nativeType + " is the unpatched native type:"
                + " it was created (or its module bound) before monkey.patch_all()"
                : patched ? "; patching is active, so the object it blocks on is most likely one gevent did not patch"
                + " (created before monkey.patch_all())" : "")
                + (facts.pythonInjectable() ? "" : "; no thread can run an injected script") + ".";
        return new Finding("gevent_hub_blocked", summary, patched && !timed && (nativeType != null || blockedOn == null)
                ? "high" : "medium", evidence,
                "Call monkey.patch_all() before anything imports threading, queue or concurrent.futures (so objects"
                        + " are created patched), or run the blocking call off the hub with gevent's threadpool"
                        + " (gevent.get_hub().threadpool.spawn).", next, unchecked);
    }
}
