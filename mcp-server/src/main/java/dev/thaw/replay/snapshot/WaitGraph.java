package dev.thaw.replay.snapshot;

import java.util.List;

/**
 * Who waits for whom: thread nodes and lock nodes; an edge from a thread to the lock it waits for,
 * and from a lock to the thread that holds it. Cycles (deadlocks) are marked on nodes and edges.
 *
 * @param omittedThreads threads left out to keep the drawing readable
 */
public record WaitGraph(List<Node> nodes, List<Edge> edges, List<List<String>> cycles, int omittedThreads) {

    public enum Kind { THREAD, LOCK }

    /** @param id stable within the graph ({@code t:TID} or {@code l:LOCK}) */
    public record Node(String id, Kind kind, String label, boolean inCycle) {
    }

    /** @param waits true for thread → lock ("waits for"), false for lock → thread ("held by") */
    public record Edge(String from, String to, boolean waits, boolean inCycle) {
    }

    public static WaitGraph empty() {
        return new WaitGraph(List.of(), List.of(), List.of(), 0);
    }

    public boolean isEmpty() {
        return edges.isEmpty();
    }

    public Node node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElse(null);
    }
}
