package dev.thaw.findings;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.RelatedProcesses;
import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.StackGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The one place that runs the rules: judges each group's {@link Activity}, then asks every rule, in
 * order from the most specific cause to the most general consequence, and keeps what they found.
 * Called by the snapshot service for both runtimes, so MCP and the CLI get the same findings.
 *
 * <p>A rule that throws is skipped: a finding is extra, the stacks are the answer, and no rule may
 * cost the caller its snapshot.
 */
public final class Findings {

    /** Findings kept, at most: they are what a model reads first. */
    static final int MAX_FINDINGS = 5;

    private static final List<FindingRule> RULES = List.of(
            // Python, most specific first
            new GeventHubBlockedRule(),
            new EventLoopBlockedRule(),
            new PoolWorkersWaitRule(),
            new ChildWaitRule(),
            new ForkInheritedLockRule(),
            new PythonLockCycleRule(),
            new AwaitCycleRule(),
            new LostWakeupRule(),
            new GreenletLostWakeupRule(),
            new TaskLostWakeupRule(),
            new ProcessFrozenRule(),
            // JVM
            new JvmDeadlockRule(),
            new JvmClassInitRule(),
            new JvmUnownedLockCycleRule(),
            new JvmCarriersPinnedRule(),
            new JvmParkedSynchronizerRule(),
            new JvmExitedThreadsRule(),
            new JvmNeverFinishesRule());

    private static final Set<String> EXPLAINS_FROZEN = Set.of("gevent_hub_blocked",
            "fork_inherited_lock", "pipe_deadlock", "event_loop_blocked", "lost_wakeup",
            "lock_order_deadlock", "await_cycle");

    private Findings() {
    }

    /**
     * Groups re-ranked by what they do, keeping the assembler's order within each: stuck first, then
     * running and waiting, idle last — a healthy wait never ranks ahead of a thread that cannot move.
     */
    static List<StackGroup> ranked(List<StackGroup> groups) {
        List<StackGroup> sorted = new ArrayList<>(groups);
        sorted.sort(java.util.Comparator.comparingInt(Findings::order));
        List<StackGroup> out = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            StackGroup g = sorted.get(i);
            out.add(g.rank() == i + 1 ? g : new StackGroup(i + 1, g.count(), g.tids(), g.frames(), g.framesOmitted(),
                    g.why(), g.threads(), g.activity()));
        }
        return out;
    }

    private static int order(StackGroup g) {
        return switch (g.activity()) {
            case Activity.STUCK -> 0;
            case Activity.IDLE -> 2;
            default -> 1;
        };
    }

    /**
     * The main thread parked for good while the rest of the process serves (idle in accept, a selector,
     * a pool's queue) or works, and nothing else is stuck: the usual way a service keeps itself alive
     * (a shutdown latch, an Event.wait(), a join on its server thread). Idle, not stuck.
     */
    static void keepAlive(List<StackGroup> groups) {
        int main = -1;
        boolean others = false;
        for (int i = 0; i < groups.size(); i++) {
            StackGroup g = groups.get(i);
            boolean isMain = g.threads().stream().anyMatch(t -> t.main());
            if (isMain) {
                // Waiting for a child process is never a keep-alive: a child that does not exit is the hang.
                boolean childWait = g.threads().stream().anyMatch(t -> "child_wait".equals(t.state()));
                main = Activity.STUCK.equals(g.activity()) && !childWait ? i : -2;
                continue;
            }
            if (Activity.STUCK.equals(g.activity())) {
                return;
            }
            others |= !Activity.housekeeping(g) && (Activity.IDLE.equals(g.activity()) || Activity.RUNNING.equals(g.activity()));
        }
        if (main >= 0 && others) {
            groups.set(main, groups.get(main).withActivity(Activity.IDLE));
        }
    }

    /**
     * With one sample a rule cannot tell a wait that lasts from one that ends a moment later: one
     * notch less confident, and said. A lock or await cycle is a cycle at any instant, and stays as it is.
     */
    static Finding oneSample(Finding f) {
        if (f.kind().equals("lock_order_deadlock") || f.kind().equals("await_cycle")) {
            return f;
        }
        List<String> unchecked = new ArrayList<>(f.unchecked());
        unchecked.add(Facts.ONE_SAMPLE);
        String c = switch (f.confidence()) {
            case "high" -> "medium";
            default -> "low";
        };
        return new Finding(f.kind(), f.summary(), c, f.evidence(), f.fix(), f.next(), unchecked);
    }

    /**
     * The snapshot with every group's activity and the findings.
     *
     * @param peek a plain snapshot of a related process (for rules that compare with a parent)
     */
    public static Snapshot judge(Snapshot s, ProcFs proc, IntFunction<Optional<Snapshot>> peek) {
        List<StackGroup> groups = new ArrayList<>(s.groups().size());
        for (StackGroup g : s.groups()) {
            groups.add(g.activity() != null ? g : g.withActivity(Activity.of(g)));
        }
        keepAlive(groups);
        groups = ranked(groups);
        Snapshot judged = s.withGroups(groups);
        Facts facts = new Facts(judged, new RelatedProcesses(proc), peek);
        List<Finding> found = new ArrayList<>();
        for (FindingRule rule : RULES) {
            if (found.size() >= MAX_FINDINGS) {
                break;
            }
            try {
                found.addAll(rule.apply(facts));
            } catch (RuntimeException e) {
                // a rule that trips on an odd snapshot says nothing rather than cost the snapshot
            }
        }
        // A frozen process explained by a more specific finding: that finding says it (and its next call
        // already avoids injection); the general one would only repeat the same threads.
        if (found.stream().anyMatch(f -> EXPLAINS_FROZEN.contains(f.kind()))) {
            found.removeIf(f -> f.kind().equals("process_frozen"));
        }
        List<Finding> kept = found.size() > MAX_FINDINGS ? found.subList(0, MAX_FINDINGS) : found;
        return judged.withFindings(judged.samples() < 2 ? kept.stream().map(Findings::oneSample).toList() : kept);
    }
}
