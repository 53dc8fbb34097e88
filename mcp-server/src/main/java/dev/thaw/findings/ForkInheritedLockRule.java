package dev.thaw.findings;

import dev.thaw.proc.RelatedProcesses;
import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A lock inherited across fork(): a single-threaded process waits without a timeout on a lock that no
 * thread of its own can release (it has no other thread), and its parent runs the same program with
 * more threads. fork() copies memory, locks included, but only the forking thread: a lock another
 * parent thread held at that moment stays locked in the child forever. The parent's thread that runs
 * the same section (its stack passes through the function the child waits in) is named when the
 * parent can be read.
 */
final class ForkInheritedLockRule implements FindingRule {

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.python() || !facts.wholeProcess() || facts.snapshot().totalThreads() != 1 || facts.groups().size() != 1) {
            return List.of();
        }
        StackGroup g = facts.groups().get(0);
        ThreadSnapshot t = g.threads().get(0);
        if (!WaitClassifier.LOCK_WAIT.equals(t.state()) || !Facts.still(t) || g.frames().isEmpty()
                || PythonStacks.runsGreenlet(t, g.frames())) {
            return List.of();
        }
        RelatedProcesses rel = facts.related();
        Optional<RelatedProcesses.Process> self = rel.describe(facts.pid());
        if (self.isEmpty() || self.get().tasks().size() != 1) {
            return List.of();
        }
        Optional<RelatedProcesses.Process> parent = rel.describe(self.get().ppid());
        if (parent.isEmpty() || parent.get().tasks().size() < 2 || self.get().exe() == null
                || !Objects.equals(self.get().exe(), parent.get().exe())) {
            return List.of();
        }
        RelatedProcesses.Process p = parent.get();
        Frame waitsIn = PythonStacks.firstApplicationFrame(g.frames());
        List<String> evidence = new ArrayList<>();
        evidence.add(Facts.who(t) + ": the process's only thread, futex wait without timeout at "
                + PythonStacks.where(g.frames()) + (waitsIn != g.frames().get(0) ? " in " + PythonStacks.short_(waitsIn) : ""));
        evidence.add("parent " + p.pid() + " (" + p.comm() + ") runs the same executable (" + p.exe() + ") with "
                + p.tasks().size() + " threads" + (p.command().equals(self.get().command()) ? " and the same command line" : ""));
        String section = null;
        List<String> unchecked = new ArrayList<>();
        Optional<Snapshot> ps = facts.peek().apply(p.pid());
        if (ps.isPresent()) {
            for (StackGroup pg : ps.get().groups()) {
                for (Frame f : pg.frames()) {
                    if (Objects.equals(f.function(), waitsIn.function()) && Objects.equals(f.file(), waitsIn.file())) {
                        ThreadSnapshot pt = pg.threads().get(0);
                        section = Facts.who(pt) + " at " + PythonStacks.short_(f);
                        break;
                    }
                }
                if (section != null) {
                    break;
                }
            }
        } else {
            unchecked.add("the parent's stacks (it could not be read)");
        }
        if (section != null) {
            evidence.add("parent thread " + section + " runs the same section");
        } else {
            unchecked.add("which parent thread held the lock when fork() ran (no parent thread is in "
                    + waitsIn.function() + " now)");
        }
        String summary = "A lock inherited across fork(): pid " + facts.pid() + " has one thread, waiting without a timeout at "
                + PythonStacks.short_(waitsIn) + " on a lock no thread of its own can release; its parent " + p.pid()
                + " runs the same program with " + p.tasks().size() + " threads"
                + (section != null ? ", and the parent's " + section + " runs that lock's section" : "")
                + ": the lock was held by another parent thread at fork() time and stays locked in the child forever"
                + " (no thread of the child can run an injected script).";
        return List.of(new Finding("fork_inherited_lock", summary, section != null ? "high" : "medium", evidence,
                "Do not fork() a multi-threaded process: use the 'spawn' or 'forkserver' start method, or take and"
                        + " release the lock around fork with os.register_at_fork(before=..., after_in_child=...).",
                List.of(Next.snapshot(p.pid(), 3, "the parent's threads, one of which runs that lock's section")),
                unchecked));
    }
}
