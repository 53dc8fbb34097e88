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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lock-order cycle among Python threads whose lock owners are known: each thread waits without a
 * timeout on a lock (what its innermost call blocks in) owned by the next, and the last one's lock is
 * owned by the first. An RLock records its owner's thread id, which the reader resolves to a thread; a
 * plain Lock records none, so cycles through plain Locks stay {@code process_frozen}'s (unclaimed).
 */
final class PythonLockCycleRule implements FindingRule {

    private record Edge(ThreadSnapshot waiter, StackGroup g, WaitedObject lock, long owner) {
    }

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.python()) {
            return List.of();
        }
        Map<Long, Edge> out = new LinkedHashMap<>();
        for (StackGroup g : facts.groups()) {
            for (ThreadSnapshot t : g.threads()) {
                WaitedObject lock = ownedLock(t);
                if (lock != null && WaitClassifier.LOCK_WAIT.equals(t.state()) && Facts.still(t) && lock.ownerTid() != t.tid()) {
                    out.put(t.tid(), new Edge(t, g, lock, lock.ownerTid()));
                }
            }
        }
        List<Finding> findings = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (Long start : out.keySet()) {
            List<Edge> cycle = cycleFrom(start, out);
            if (cycle == null || cycle.stream().anyMatch(e -> seen.contains(e.waiter().tid()))) {
                continue;
            }
            cycle.forEach(e -> seen.add(e.waiter().tid()));
            findings.add(finding(facts, cycle));
        }
        return findings;
    }

    /** The lock a thread's innermost call blocks in, when its owner is known (an RLock). */
    static WaitedObject ownedLock(ThreadSnapshot t) {
        if (t.python() == null || t.python().waitsOn() == null) {
            return null;
        }
        for (WaitedObject w : t.python().waitsOn()) {
            if ("receiver".equals(w.role()) && w.ownerTid() != null && Boolean.TRUE.equals(w.held())) {
                return w;
            }
        }
        return null;
    }

    /** The cycle through {@code start} (waiter → owner → ...), or null when the chain ends or loops elsewhere. */
    private static List<Edge> cycleFrom(long start, Map<Long, Edge> edges) {
        List<Edge> path = new ArrayList<>();
        Map<Long, Integer> at = new HashMap<>();
        Long cur = start;
        while (cur != null && edges.containsKey(cur) && !at.containsKey(cur)) {
            at.put(cur, path.size());
            Edge e = edges.get(cur);
            path.add(e);
            cur = e.owner();
        }
        return cur != null && cur == start && path.size() >= 2 ? path : null;
    }

    private static Finding finding(Facts facts, List<Edge> cycle) {
        List<String> parts = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        Map<Long, ThreadSnapshot> byTid = new HashMap<>();
        cycle.forEach(e -> byTid.put(e.waiter().tid(), e.waiter()));
        for (Edge e : cycle) {
            Frame app = PythonStacks.firstApplicationFrame(e.g().frames());
            ThreadSnapshot owner = byTid.get(e.owner());
            parts.add(Facts.who(e.waiter()) + (app == null ? "" : " at " + PythonStacks.short_(app)) + " waits for "
                    + e.lock().type() + "@" + e.lock().address() + " held by " + (owner == null ? "tid " + e.owner() : Facts.who(owner)));
            evidence.add(Facts.who(e.waiter()) + ": futex wait without timeout on " + WaitedObjectText.of(e.lock()) + ", " + facts.stillness());
        }
        evidence.add("each lock's owner is the thread id the RLock itself records");
        List<NextCall> next = new ArrayList<>();
        if (facts.pythonInjectable()) {
            next.add(Next.diagnostic(facts.pid(), "py.lock_waiters", Map.of("max_threads", 50),
                    "each lock's variable name, its holder and its waiters"));
        } else {
            next.add(Next.snapshot(facts.pid(), 3, "the same threads stay in the same waits (nothing can be injected: no thread reaches a safe point)"));
        }
        return new Finding("lock_order_deadlock", "Deadlock of " + cycle.size() + " Python threads: " + String.join("; ", parts) + ".",
                "high", evidence, "Take these locks in one global order everywhere (or acquire with a timeout and back off).",
                next, List.of());
    }
}
