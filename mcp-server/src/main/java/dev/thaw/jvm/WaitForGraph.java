package dev.thaw.jvm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who waits for whom in one thread dump, and the cycles that make deadlocks.
 *
 * <p>An edge goes from a thread to the owner of the lock it waits for: for a monitor (BLOCKED
 * entering, or re-entering after wait()) the owner is the thread with a {@code - locked} line
 * for that object; for a j.u.c lock (parked) it is the thread listing that synchronizer under
 * "Locked ownable synchronizers" — the dump prints no owner next to the parked thread, so
 * {@code -l} is required for these edges. A thread in Object.wait() or parked on something no
 * thread owns (a latch, a condition) has no edge: no single thread is to blame.
 *
 * <p>Every thread waits for at most one lock, so each node has at most one outgoing edge and
 * the cycles are found by walking successors.
 *
 * @param edges  one per waiting thread whose lock has a known owner, in dump order
 * @param cycles each deadlock once, in creation order: ordered by, and starting at, their thread
 *               with the lowest Java thread number ({@code #N}; dump position where a dump has
 *               none). JDK 17+ dumps list threads in that order; JDK 8 and 11 list the newest first.
 */
public record WaitForGraph(List<Edge> edges, List<Cycle> cycles) {

    /**
     * @param waiterTid  tid of the waiting thread
     * @param waiter     its name
     * @param ownerTid   tid of the owner
     * @param owner      its name
     * @param kind       {@link FrameLock.Kind#WAITING_TO_LOCK}, {@link FrameLock.Kind#WAITING_TO_RELOCK}
     *                   or {@link FrameLock.Kind#PARKING}
     * @param lock       the lock
     */
    public record Edge(String waiterTid, String waiter, String ownerTid, String owner, FrameLock.Kind kind,
                       LockRef lock) {
    }

    /** A deadlock: edges {@code e[i].owner == e[i+1].waiter}, and the last owner is the first waiter. */
    public record Cycle(List<Edge> edges) {
        public Cycle {
            edges = List.copyOf(edges);
        }

        public List<String> threadNames() {
            return edges.stream().map(Edge::waiter).toList();
        }

        public List<String> threadTids() {
            return edges.stream().map(Edge::waiterTid).toList();
        }
    }

    public WaitForGraph {
        edges = List.copyOf(edges);
        cycles = List.copyOf(cycles);
    }

    public static WaitForGraph of(List<JvmThread> threads) {
        Map<String, JvmThread> monitorOwner = new HashMap<>();
        Map<String, JvmThread> syncOwner = new HashMap<>();
        for (JvmThread t : threads) {
            t.heldMonitors().forEach(l -> monitorOwner.putIfAbsent(l.address(), t));
            t.ownableSynchronizers().stream().filter(LockRef::hasAddress)
                    .forEach(l -> syncOwner.putIfAbsent(l.address(), t));
        }
        List<Edge> edges = new ArrayList<>();
        Map<String, Edge> out = new HashMap<>();
        for (JvmThread t : threads) {
            Optional<FrameLock> w = t.waitingFor();
            if (w.isEmpty() || !w.get().lock().hasAddress()) {
                continue;
            }
            FrameLock fl = w.get();
            JvmThread owner = switch (fl.kind()) {
                case WAITING_TO_LOCK, WAITING_TO_RELOCK -> monitorOwner.get(fl.lock().address());
                case PARKING -> syncOwner.get(fl.lock().address());
                default -> null;
            };
            if (owner != null && !owner.tid().equals(t.tid())) {
                Edge e = new Edge(t.tid(), t.name(), owner.tid(), owner.name(), fl.kind(), fl.lock());
                edges.add(e);
                out.put(t.tid(), e);
            }
        }
        return new WaitForGraph(edges, cycles(threads, out));
    }

    /** Rotates a cycle so it starts at its member created first (stable output). */
    private static List<Edge> rotate(List<Edge> cycle, Map<String, Integer> order) {
        int best = 0;
        for (int i = 1; i < cycle.size(); i++) {
            if (order.get(cycle.get(i).waiterTid()) < order.get(cycle.get(best).waiterTid())) {
                best = i;
            }
        }
        List<Edge> rotated = new ArrayList<>(cycle.subList(best, cycle.size()));
        rotated.addAll(cycle.subList(0, best));
        return rotated;
    }

    private static List<Cycle> cycles(List<JvmThread> threads, Map<String, Edge> out) {
        // 0 = unvisited, 1 = on the current walk, 2 = done
        Map<String, Integer> mark = new HashMap<>();
        List<JvmThread> created = new ArrayList<>(threads);
        created.sort(java.util.Comparator.comparingLong(t -> t.number() > 0 ? t.number() : Long.MAX_VALUE));
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < created.size(); i++) {
            order.putIfAbsent(created.get(i).tid(), i);
        }
        List<Cycle> cycles = new ArrayList<>();
        for (JvmThread start : created) {
            if (mark.getOrDefault(start.tid(), 0) != 0) {
                continue;
            }
            List<String> walk = new ArrayList<>();
            String cur = start.tid();
            while (cur != null && mark.getOrDefault(cur, 0) == 0) {
                mark.put(cur, 1);
                walk.add(cur);
                Edge e = out.get(cur);
                cur = e == null ? null : e.ownerTid();
            }
            if (cur != null && mark.get(cur) == 1) {
                // cur is on this walk: the cycle is the walk from cur on
                List<Edge> cycle = new ArrayList<>();
                for (String tid : walk.subList(walk.indexOf(cur), walk.size())) {
                    cycle.add(out.get(tid));
                }
                cycles.add(new Cycle(rotate(cycle, order)));
            }
            walk.forEach(tid -> mark.put(tid, 2));
        }
        return cycles;
    }

    /** The edge out of a thread, if it waits for a lock with a known owner. */
    public Optional<Edge> edgeFrom(String tid) {
        return edges.stream().filter(e -> e.waiterTid().equals(tid)).findFirst();
    }

    /** Threads waiting directly on {@code tid}. */
    public List<Edge> edgesInto(String tid) {
        return edges.stream().filter(e -> e.ownerTid().equals(tid)).toList();
    }
}
