package dev.thaw.replay.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link WaitGraph} from per-thread lock facts. A thread waits for at most one lock and a lock
 * has at most one owner, so following "waits for, held by" from any thread is a walk without choices,
 * and a walk that comes back to a thread it passed is a deadlock.
 */
public final class WaitGraphs {

    /** More thread nodes than this make an unreadable drawing; cycle members are kept first. */
    static final int MAX_THREADS = 40;

    private WaitGraphs() {
    }

    /**
     * @param tid     the thread's key (native tid, or the JVM's tid)
     * @param name    its name, may be null
     * @param waitsOn the lock it waits for, or null
     * @param owner   the key of the thread owning {@code waitsOn}, when the engine knew it
     * @param held    locks it holds
     */
    public record ThreadFact(String tid, String name, String waitsOn, String owner, List<String> held) {
        public ThreadFact {
            held = held == null ? List.of() : held;
        }

        /** Two reports of one thread (per-thread fields and a dump's graph): keep what either knows. */
        ThreadFact merge(ThreadFact o) {
            List<String> h = new ArrayList<>(held);
            o.held.stream().filter(l -> !h.contains(l)).forEach(h::add);
            return new ThreadFact(tid, name != null ? name : o.name, waitsOn != null ? waitsOn : o.waitsOn,
                    owner != null ? owner : o.owner, h);
        }

        String label() {
            return (name == null || name.isBlank() ? "thread" : name) + " #" + tid;
        }
    }

    public static WaitGraph of(List<ThreadFact> threads) {
        Map<String, ThreadFact> byTid = new LinkedHashMap<>();
        threads.forEach(t -> byTid.merge(t.tid(), t, ThreadFact::merge));
        Map<String, String> lockOwner = new HashMap<>();
        for (ThreadFact t : byTid.values()) {
            t.held().forEach(l -> lockOwner.putIfAbsent(l, t.tid()));
        }
        for (ThreadFact t : byTid.values()) {
            if (t.waitsOn() != null && t.owner() != null) {
                lockOwner.putIfAbsent(t.waitsOn(), t.owner());
            }
        }
        // successor of a waiting thread: the owner of its lock (a thread never blocks itself)
        Map<String, String> next = new LinkedHashMap<>();
        for (ThreadFact t : byTid.values()) {
            String owner = t.waitsOn() == null ? null : lockOwner.get(t.waitsOn());
            if (owner != null && !owner.equals(t.tid())) {
                next.put(t.tid(), owner);
            }
        }
        if (next.isEmpty()) {
            return WaitGraph.empty();
        }
        List<List<String>> threadCycles = cycles(next);
        Set<String> cycleThreads = new HashSet<>();
        threadCycles.forEach(cycleThreads::addAll);

        // Keep cycle members first, then the other waiters and owners, up to the cap.
        Set<String> keep = new LinkedHashSet<>(cycleThreads);
        for (Map.Entry<String, String> e : next.entrySet()) {
            if (keep.size() >= MAX_THREADS) {
                break;
            }
            keep.add(e.getKey());
            if (keep.size() < MAX_THREADS) {
                keep.add(e.getValue());
            }
        }
        Set<String> involved = new HashSet<>(next.keySet());
        involved.addAll(next.values());
        int omitted = (int) involved.stream().filter(t -> !keep.contains(t)).count();

        Map<String, WaitGraph.Node> nodes = new LinkedHashMap<>();
        // edge -> in a cycle; several threads waiting for one lock share its held-by edge
        Map<EdgeKey, Boolean> edgeCycle = new LinkedHashMap<>();
        // Order nodes along the walks (cycles first) so a circular layout draws cycles as rings.
        List<String> order = new ArrayList<>();
        threadCycles.forEach(order::addAll);
        keep.stream().filter(t -> !order.contains(t)).forEach(order::add);
        for (String tid : order) {
            addThread(nodes, byTid, tid, cycleThreads);
            String owner = next.get(tid);
            if (owner == null || !keep.contains(owner)) {
                continue;
            }
            boolean inCycle = sameCycle(threadCycles, tid, owner);
            String lockId = "l:" + byTid.get(tid).waitsOn();
            WaitGraph.Node lock = nodes.get(lockId);
            if (lock == null || (inCycle && !lock.inCycle())) {
                nodes.put(lockId, new WaitGraph.Node(lockId, WaitGraph.Kind.LOCK, byTid.get(tid).waitsOn(), inCycle));
            }
            edgeCycle.merge(new EdgeKey("t:" + tid, lockId, true), inCycle, Boolean::logicalOr);
            edgeCycle.merge(new EdgeKey(lockId, "t:" + owner, false), inCycle, Boolean::logicalOr);
            addThread(nodes, byTid, owner, cycleThreads);
        }
        List<WaitGraph.Edge> edges = new ArrayList<>();
        edgeCycle.forEach((k, inCycle) -> edges.add(new WaitGraph.Edge(k.from(), k.to(), k.waits(), inCycle)));
        List<List<String>> cycleNodeIds = new ArrayList<>();
        for (List<String> c : threadCycles) {
            List<String> ids = new ArrayList<>();
            for (String tid : c) {
                ids.add("t:" + tid);
                ids.add("l:" + byTid.get(tid).waitsOn());
            }
            cycleNodeIds.add(ids);
        }
        return new WaitGraph(List.copyOf(nodes.values()), edges, cycleNodeIds, omitted);
    }

    private record EdgeKey(String from, String to, boolean waits) {
    }

    private static void addThread(Map<String, WaitGraph.Node> nodes, Map<String, ThreadFact> byTid, String tid,
                                  Set<String> cycleThreads) {
        ThreadFact t = byTid.getOrDefault(tid, new ThreadFact(tid, null, null, null, List.of()));
        nodes.putIfAbsent("t:" + tid, new WaitGraph.Node("t:" + tid, WaitGraph.Kind.THREAD, t.label(),
                cycleThreads.contains(tid)));
    }

    private static boolean sameCycle(List<List<String>> cycles, String a, String b) {
        return cycles.stream().anyMatch(c -> c.contains(a) && c.contains(b));
    }

    /** Each cycle once, as the threads along it, starting where the walk first entered it. */
    static List<List<String>> cycles(Map<String, String> next) {
        Map<String, Integer> mark = new HashMap<>(); // 1 = on the current walk, 2 = done
        List<List<String>> cycles = new ArrayList<>();
        for (String start : next.keySet()) {
            if (mark.containsKey(start)) {
                continue;
            }
            List<String> walk = new ArrayList<>();
            String cur = start;
            while (cur != null && !mark.containsKey(cur)) {
                mark.put(cur, 1);
                walk.add(cur);
                cur = next.get(cur);
            }
            if (cur != null && mark.get(cur) == 1) {
                cycles.add(List.copyOf(walk.subList(walk.indexOf(cur), walk.size())));
            }
            walk.forEach(t -> mark.put(t, 2));
        }
        return cycles;
    }
}
