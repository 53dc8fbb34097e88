package dev.thaw.snapshot;

import java.util.List;

/**
 * A JVM's lock picture in one snapshot (the last sample): who waits for whom, and the cycles.
 *
 * @param waitFor   one edge per thread waiting for a lock whose owner is known: monitors from the
 *                  {@code - locked} lines, java.util.concurrent locks from the owners' "Locked
 *                  ownable synchronizers"; a thread in Object.wait() or parked on something nobody
 *                  owns (a latch, a condition) has none
 * @param deadlocks each cycle once, monitor and java.util.concurrent locks alike
 * @param reportedByJvm deadlocks HotSpot itself reported in the dump (its own detection), as names
 * @param virtualThreads virtual threads included (JDK 21+); 0 when none or not supported
 */
public record JvmLocks(List<Edge> waitFor, List<Deadlock> deadlocks, List<List<String>> reportedByJvm,
                       int virtualThreads) {

    /**
     * @param waiter    tid of the waiting thread (as in the groups)
     * @param waiterName its name
     * @param owner     tid of the owner
     * @param ownerName its name
     * @param kind      {@code monitor}, {@code monitor (re-lock after wait)} or {@code j.u.c lock}
     * @param lock      e.g. {@code <0x000000069ec20510> (a java.lang.Object)}
     */
    public record Edge(long waiter, String waiterName, long owner, String ownerName, String kind, String lock) {
    }

    /**
     * @param tids    the threads of the cycle, each waiting for the next (the last for the first)
     * @param names   their names
     * @param edges   the waits that close the cycle
     */
    public record Deadlock(List<Long> tids, List<String> names, List<Edge> edges) {
    }
}
