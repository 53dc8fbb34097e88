package dev.thaw.findings;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.RelatedProcesses;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.StackGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
            new ProcessFrozenRule(),
            // JVM
            new JvmDeadlockRule(),
            new JvmParkedSynchronizerRule(),
            new JvmExitedThreadsRule(),
            new JvmNeverFinishesRule());

    private Findings() {
    }

    /**
     * With one sample a rule cannot tell a wait that lasts from one that ends a moment later: one
     * notch less confident, and said. A lock cycle is a cycle at any instant, and stays as it is.
     */
    static Finding oneSample(Finding f) {
        if (f.kind().equals("lock_order_deadlock")) {
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
        Snapshot judged = new Snapshot(s.pid(), s.runtime(), s.runtimeVersion(), s.takenAt(), s.samples(), s.intervalMs(),
                s.totalThreads(), s.shownThreads(), s.threadFilter(), s.maxFrames(), List.copyOf(groups), s.notes(),
                s.jvm(), s.findings());
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
        List<Finding> kept = found.size() > MAX_FINDINGS ? found.subList(0, MAX_FINDINGS) : found;
        return judged.withFindings(judged.samples() < 2 ? kept.stream().map(Findings::oneSample).toList() : kept);
    }
}
