package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.JvmLocks;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * A lock-order cycle among JVM threads: the snapshot's wait-for graph (monitors from the dump's
 * {@code - locked} lines, java.util.concurrent locks from their owners' "Locked ownable
 * synchronizers") closes a cycle, each thread waiting for a lock the next one holds. HotSpot's own
 * detector, when it agrees, is cited; it misses cycles through some java.util.concurrent locks.
 */
final class JvmDeadlockRule implements FindingRule {

    @Override
    public List<Finding> apply(Facts facts) {
        JvmLocks locks = facts.snapshot().jvm();
        if (locks == null) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        for (JvmLocks.Deadlock d : locks.deadlocks()) {
            List<String> edges = new ArrayList<>();
            List<String> evidence = new ArrayList<>();
            for (JvmLocks.Edge e : d.edges()) {
                String at = at(facts, e.waiter());
                edges.add("\"" + e.waiterName() + "\"" + (at == null ? "" : " at " + at) + " waits for "
                        + JvmStacks.synchronizer(JvmStacks.lockClass(e.lock())) + " " + JvmStacks.lockAddress(e.lock())
                        + " held by \"" + e.ownerName() + "\"");
                evidence.add("tid " + e.waiter() + " \"" + e.waiterName() + "\" waits for " + e.kind() + " " + e.lock()
                        + " held by tid " + e.owner());
            }
            boolean reported = locks.reportedByJvm().stream().anyMatch(r -> r.containsAll(d.names()));
            evidence.add(reported ? "HotSpot's own deadlock detection reports the same cycle"
                    : "HotSpot's own detection does not report it (java.util.concurrent or virtual-thread locks)");
            out.add(new Finding("lock_order_deadlock", "Deadlock of " + d.tids().size() + " threads: "
                    + String.join("; ", edges) + ".", "high", evidence,
                    "Take these locks in one global order everywhere (or use tryLock with a timeout and back off).",
                    List.of(Next.diagnostic(facts.pid(), "jvm.deadlocks", "the cycle and every lock's holder and waiters, from inside the JVM")),
                    List.of()));
        }
        return out;
    }

    private static String at(Facts facts, long tid) {
        for (StackGroup g : facts.groups()) {
            for (ThreadSnapshot t : g.threads()) {
                if (t.tid() == tid && !g.frames().isEmpty()) {
                    return JvmStacks.short_(JvmStacks.firstApplicationFrame(g.frames()));
                }
            }
        }
        return null;
    }
}
