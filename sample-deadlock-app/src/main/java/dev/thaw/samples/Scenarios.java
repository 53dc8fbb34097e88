package dev.thaw.samples;

import dev.thaw.samples.java.ClassInitDeadlock;
import dev.thaw.samples.java.CompletableFutureCommonPool;
import dev.thaw.samples.java.LatchDeadCounter;
import dev.thaw.samples.java.MonitorLockOrdering;
import dev.thaw.samples.java.PinnedCarriers;
import dev.thaw.samples.java.PoolStarvation;
import dev.thaw.samples.java.Readiness;
import dev.thaw.samples.java.ReentrantLockOrdering;
import dev.thaw.samples.java.VirtualThreadDeadlock;

import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Starts one deterministic Java hang scenario by name, prints {@code pid=<pid> scenario=<name>} on
 * stdout once the hang is set up, and then waits forever (the main thread sleeps; the hang is in the
 * scenario's threads). Each scenario has an answer key at {@code /scenarios/<name>.answer.json}.
 *
 * <p>"Set up" is proven, not hoped for: each scenario's {@code start()} returns only once its
 * threads are blocked the way the answer key says (checked from their Thread.State, park blockers
 * and lock queues), or fails after {@link Readiness#DEADLINE_MS} (exit status 1). A scenario that
 * cannot run on this JDK exits with status 2 and says why.
 */
public final class Scenarios {

    /** A scenario's start: returns once the hang is in place. */
    @FunctionalInterface
    interface Start {
        void start() throws Exception;
    }

    private static final Map<String, Start> JAVA = new TreeMap<>(Map.of(
            "java-monitor-lock-ordering", MonitorLockOrdering::start,
            "java-reentrantlock-ordering", ReentrantLockOrdering::start,
            "java-pool-starvation", PoolStarvation::start,
            "java-completablefuture-commonpool", CompletableFutureCommonPool::start,
            "java-virtual-threads", VirtualThreadDeadlock::start,
            "java-latch-dead-counter", LatchDeadCounter::start,
            "java-class-init-deadlock", ClassInitDeadlock::start,
            "java-pinned-carriers", PinnedCarriers::start));

    private Scenarios() {
    }

    /** The names of the Java scenarios (each has {@code /scenarios/<name>.answer.json}). */
    public static SortedSet<String> javaScenarios() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(JAVA.keySet()));
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !JAVA.containsKey(args[0])) {
            System.err.println("usage: java -cp <jar> dev.thaw.samples.Scenarios <scenario>");
            System.err.println("scenarios: " + String.join(", ", JAVA.keySet()));
            System.exit(2);
        }
        try {
            JAVA.get(args[0]).start();
        } catch (Readiness.NotHung e) {
            System.err.println(e.getMessage());
            System.exit(1);
        } catch (Exception e) {
            System.err.println("scenario " + args[0] + " failed to start: " + e);
            System.exit(1);
        }
        System.out.println("pid=" + ProcessHandle.current().pid() + " scenario=" + args[0]);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
