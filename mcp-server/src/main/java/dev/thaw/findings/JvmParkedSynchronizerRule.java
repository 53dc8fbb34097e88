package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.NextCall;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Threads parked without a timeout on java.util.concurrent synchronizers nobody owns, grouped by the
 * synchronizer's kind (Semaphore, CountDownLatch, FutureTask, CompletableFuture, ReentrantLock,
 * Condition, other AQS): the dump's "parking to wait for &lt;0x…&gt; (a …)" lines. A semaphore, a latch
 * or a future has no owner, so the wait-for graph has no edge and HotSpot reports no deadlock: only
 * who could still release it tells whether it will ever be released. When no other application thread
 * is running or waiting anywhere but in an idle wait, nothing live can release it.
 */
final class JvmParkedSynchronizerRule implements FindingRule {

    /** Threads named in the summary and evidence, at most; the rest is counted. */
    private static final int SHOWN = 2;

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.jvm()) {
            return List.of();
        }
        Set<Long> withOwner = JvmStacks.waitingForAnOwner(facts);
        // threads of a suspected lock-order cycle are that finding's
        List<JvmUnownedLockCycleRule.Suspect> cycles = JvmUnownedLockCycleRule.suspects(facts);
        cycles.forEach(c -> c.threads().forEach(t -> withOwner.add(t.tid())));
        // pinned virtual threads starving the one that would release them are carriers_pinned's
        JvmCarriersPinnedRule.Pinning pinning = JvmCarriersPinnedRule.pinning(facts);
        if (pinning != null) {
            pinning.pinned().forEach(t -> withOwner.add(t.tid()));
        }
        Map<String, List<Waiter>> byKind = new LinkedHashMap<>();
        for (StackGroup g : facts.groups()) {
            if (!Activity.blocked(g, facts.oneSample())) {
                continue;
            }
            for (ThreadSnapshot t : g.threads()) {
                String on = JvmStacks.parkedOn(t);
                if (on == null || withOwner.contains(t.tid()) || (t.jvm() != null && t.jvm().deadlocked())) {
                    continue;
                }
                String kind = JvmStacks.synchronizer(JvmStacks.lockClass(on));
                byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(new Waiter(t, g, on));
            }
        }
        List<Finding> out = new ArrayList<>();
        for (Map.Entry<String, List<Waiter>> e : byKind.entrySet()) {
            if (!keepAlive(facts, e.getValue())) {
                out.add(finding(facts, e.getKey(), e.getValue(), !cycles.isEmpty()));
            }
        }
        return out;
    }

    /**
     * {@code main} alone parked (on a shutdown latch, say) while other application threads idle in a
     * server's or pool's wait: the usual way a service keeps its JVM alive, not a hang.
     */
    private static boolean keepAlive(Facts facts, List<Waiter> waiters) {
        if (!waiters.stream().allMatch(w -> w.t().main())) {
            return false;
        }
        for (StackGroup g : facts.groups()) {
            ThreadSnapshot t = g.threads().get(0);
            if (!t.main() && !Activity.housekeeping(g) && Activity.IDLE.equals(g.activity())) {
                return true;
            }
        }
        return false;
    }

    private record Waiter(ThreadSnapshot t, StackGroup g, String lock) {
    }

    /** @param behindCycle other threads are stuck in a suspected lock-order deadlock: they may hold what these wait for */
    private static Finding finding(Facts facts, String kind, List<Waiter> waiters, boolean behindCycle) {
        Set<String> blockers = new LinkedHashSet<>();
        waiters.forEach(w -> blockers.add(JvmStacks.lockAddress(w.lock())));
        Set<Long> waiting = new HashSet<>();
        waiters.forEach(w -> waiting.add(w.t().tid()));
        List<String> releasers = new ArrayList<>();
        for (StackGroup g : facts.groups()) {
            boolean active = Activity.RUNNING.equals(g.activity()) || Activity.WAITING.equals(g.activity());
            if (active && JvmStacks.application(g) && g.threads().stream().noneMatch(t -> waiting.contains(t.tid()))) {
                ThreadSnapshot t = g.threads().get(0);
                releasers.add("\"" + t.name() + "\" (" + g.activity() + ")");
            }
        }
        List<String> names = waiters.stream().map(w -> "\"" + w.t().name() + "\"").distinct().limit(SHOWN).toList();
        String who = waiters.size() == 1 ? "Thread " + names.get(0)
                : waiters.size() + " threads (" + String.join(", ", names)
                + (waiters.size() > SHOWN ? " +" + (waiters.size() - SHOWN) + " more" : "") + ")";
        String what = blockers.size() == 1 ? (waiters.size() > 1 ? "the same " : "") + kind + " " + blockers.iterator().next()
                : blockers.size() + " " + kind + "s";
        List<String> evidence = new ArrayList<>();
        boolean oneSite = sites(waiters).size() == 1; // then the summary names it once
        if (blockers.size() == 1 && oneSite) {
            // one lock, one line: the tids say who, the lock is named once
            evidence.add("tids " + waiters.stream().limit(SHOWN).map(w -> String.valueOf(w.t().tid()))
                    .reduce((x, y) -> x + ", " + y).orElse("")
                    + (waiters.size() > SHOWN ? " +" + (waiters.size() - SHOWN) + " more" : "")
                    + " parked on " + waiters.get(0).lock() + ", " + facts.stillness());
        } else {
            for (Waiter w : waiters.subList(0, Math.min(SHOWN, waiters.size()))) {
                Frame a = JvmStacks.firstApplicationFrame(w.g().frames());
                evidence.add("tid " + w.t().tid() + " \"" + w.t().name() + "\" parked on " + w.lock()
                        + (a == null || oneSite ? "" : " at " + JvmStacks.short_(a)) + ", " + facts.stillness());
            }
            if (waiters.size() > SHOWN) {
                evidence.add("+" + (waiters.size() - SHOWN) + " more threads parked on " + (blockers.size() == 1 ? "it" : "them"));
            }
        }
        evidence.add("no owner: a " + kind + " has none in the dump (no wait-for edge)");
        if (!behindCycle) {
            evidence.add(releasers.isEmpty() ? "no other application thread is running or waiting outside an idle wait"
                    : "other live application threads: " + String.join(", ", releasers.subList(0, Math.min(3, releasers.size()))));
        }
        String it = blockers.size() == 1 ? "it" : "them";
        boolean poolWorkers = waiters.stream().allMatch(w -> w.g().frames().stream().anyMatch(f -> f.function() != null
                && (f.function().endsWith("ThreadPoolExecutor.runWorker") || f.function().endsWith("ForkJoinPool.runWorker")
                || f.function().endsWith("ForkJoinWorkerThread.run"))));
        String summary = who + " park" + (waiters.size() == 1 ? "s" : "") + " without a timeout on " + what
                + " at " + String.join(", ", sites(waiters))
                + (poolWorkers && kind.contains("Future") ? " while being a pool's own workers" : "")
                + (behindCycle ? ", most likely held by the lock-order deadlock's threads."
                : (releasers.isEmpty() ? "; no live application thread is running anything that could release " + it + ", so nothing ever will"
                : "; " + it + " can be released only by one of " + String.join(", ", releasers.subList(0, Math.min(3, releasers.size()))))
                + "." + hint(kind));
        List<NextCall> next = new ArrayList<>();
        next.add(kind.contains("Future") || kind.equals("CompletableFuture")
                ? Next.diagnostic(facts.pid(), "jvm.executors", "the pools, their queues and what every worker waits on")
                : Next.diagnostic(facts.pid(), "jvm.synchronizers",
                        "its permits or count, holder and queued threads"));
        next.add(Next.snapshot(facts.pid(), 5, "the waiters stay parked on it"));
        return new Finding("parked_on_synchronizer", summary, releasers.isEmpty() ? "high" : "medium", evidence,
                behindCycle ? "Break the lock-order deadlock; bound this wait with a timeout."
                        : fix(kind), next, List.of("its own state (permits, count, queue): a probe reads it"));
    }

    /** The distinct application frames the waiters park from (at most 3). */
    private static List<String> sites(List<Waiter> waiters) {
        Set<String> out = new LinkedHashSet<>();
        for (Waiter w : waiters) {
            Frame a = JvmStacks.firstApplicationFrame(w.g().frames());
            if (a != null && out.size() < 3) {
                out.add(JvmStacks.short_(a));
            }
        }
        return List.copyOf(out);
    }

    private static String hint(String kind) {
        return switch (kind) {
            case "Semaphore" -> " A permit was taken and never given back (a release missing from a finally, or the thread that would release it died).";
            case "CountDownLatch" -> " Its count never reaches zero: a thread that was to count down died or skipped it.";
            case "FutureTask", "CompletableFuture", "CompletableFuture$Signaller", "Signaller" -> " The future is never completed: its task waits behind (or on) its own waiters.";
            default -> "";
        };
    }

    private static String fix(String kind) {
        return switch (kind) {
            case "Semaphore" -> "Release in a finally block right after acquire; acquire with tryAcquire(timeout) so a leak becomes an error.";
            case "CountDownLatch" -> "Count down in a finally block (also when the task fails); await(timeout) and report which parties never arrived.";
            case "FutureTask", "CompletableFuture" -> "Never block a pool's worker on a task submitted to the same pool; use a separate pool, or compose futures (thenCompose) instead of get()/join().";
            default -> "Find the thread meant to signal or unlock it; signal in a finally block, and wait with a timeout.";
        };
    }
}
