package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole Python process hung for good: every thread waits on a lock without a timeout (a futex wait
 * with no timeout), with the same stack in every sample, and none runs, sleeps, waits with a timeout,
 * waits for I/O or for a child. Nothing inside the process can release them, and nothing outside can
 * either (a lock is not I/O): a deadlock or a lost wake-up. No thread reaches a safe point, so an
 * injected script cannot run: the stacks are all there is.
 */
final class ProcessFrozenRule implements FindingRule {

    static final int SHOWN = 4;

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.python() || !facts.wholeProcess() || facts.groups().isEmpty()) {
            return List.of();
        }
        List<String> evidence = new ArrayList<>();
        List<String> who = new ArrayList<>();
        int threads = 0;
        for (StackGroup g : facts.groups()) {
            for (ThreadSnapshot t : g.threads()) {
                if (!WaitClassifier.LOCK_WAIT.equals(t.state()) || !Facts.still(t)) {
                    return List.of();
                }
                threads++;
                if (who.size() < SHOWN && !IdleWaits.joinsOthers(g.frames())) {
                    Frame app = PythonStacks.firstApplicationFrame(g.frames());
                    who.add(Facts.who(t) + " at " + (app == null ? "(no Python frames)" : PythonStacks.short_(app))
                            + PythonStacks.onObject(t));
                }
                if (evidence.size() < SHOWN) {
                    evidence.add(Facts.who(t) + ": futex wait without timeout at " + PythonStacks.where(g.frames()));
                }
            }
        }
        // Threads that never ran Python code are not in a Python snapshot; one of them could still release a lock.
        int kernelThreads = facts.related().describe(facts.pid()).map(p -> p.tasks().size()).orElse(threads);
        List<String> unchecked = new ArrayList<>();
        unchecked.add("which thread owns each lock (CPython does not record a Lock's owner)");
        if (kernelThreads > threads) {
            unchecked.add((kernelThreads - threads) + " OS threads run no Python code and are not in the snapshot: one of them could release a lock");
        }
        evidence.add("all " + threads + " threads " + (facts.oneSample() ? "in one sample" : "unchanged across " + facts.snapshot().samples() + " samples") + "; none runs or wakes by itself");
        String summary = "The whole process is hung for good: " + (threads == 1 ? "its only thread waits" : "all " + threads + " threads wait")
                + " on a lock without a timeout and nothing runnable can release " + (threads == 1 ? "it" : "them")
                + (who.isEmpty() ? "" : " (" + String.join("; ", who) + ")")
                + "; injected scripts cannot run here, the stacks are the evidence.";
        return List.of(new Finding("process_frozen", summary, kernelThreads > threads ? "medium" : "high", evidence,
                "Find what each waiting thread expects to release its lock (a lock taken in another order, a"
                        + " notify that never came, a lock copied across fork()); take locks in one global order and"
                        + " wait with timeouts so a hang becomes an error.",
                List.of(Next.snapshot(facts.pid(), 5, "the same threads stay in the same waits")),
                unchecked));
    }
}
