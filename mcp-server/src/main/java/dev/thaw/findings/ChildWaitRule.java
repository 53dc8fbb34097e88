package dev.thaw.findings;

import dev.thaw.proc.RelatedProcesses;
import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.NextCall;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A thread waits for a child process ({@code wait4}/{@code waitid}), unchanged across samples: follow
 * the children ({@code /proc/PID/task/TID/children}) and say what each is blocked in. When a child is
 * blocked writing to a pipe ({@code write} on a descriptor that is a pipe's write end) whose read end
 * this process holds while no thread of it reads, the two wait for each other: the child until someone
 * drains the pipe, the parent until the child exits — a pipe deadlock (the classic
 * {@code subprocess.Popen(stdout=PIPE)} then {@code wait()} with more output than a pipe holds).
 */
final class ChildWaitRule implements FindingRule {

    /** Children read at most (each costs a few /proc reads per thread). */
    static final int MAX_CHILDREN = 16;

    private static final Set<String> WRITES = Set.of("write", "writev", "pwrite64", "sendmsg", "sendto");
    private static final Set<String> READS = Set.of("read", "readv", "pread64", "poll", "ppoll", "select",
            "pselect6", "epoll_wait", "epoll_pwait", "epoll_pwait2", "recvfrom", "recvmsg");

    @Override
    public List<Finding> apply(Facts facts) {
        List<Finding> out = new ArrayList<>();
        for (StackGroup g : facts.groups()) {
            for (ThreadSnapshot t : g.threads()) {
                boolean childWait = WaitClassifier.CHILD_WAIT.equals(t.state())
                        || "wait4".equals(t.syscall()) || "waitid".equals(t.syscall());
                // the JVM's "process reaper" waits for every child a JVM starts: that is its job, not a hang
                boolean reaper = Activity.housekeeping(t);
                if (childWait && Facts.still(t) && !reaper) {
                    out.add(finding(facts, g, t));
                    return out; // one thread waiting for children says it; the others would repeat it
                }
            }
        }
        return out;
    }

    private static Finding finding(Facts facts, StackGroup g, ThreadSnapshot t) {
        RelatedProcesses rel = facts.related();
        int pid = facts.pid();
        List<String> evidence = new ArrayList<>();
        evidence.add(Facts.who(t) + " in " + t.syscall() + " at " + PythonStacks.where(g.frames()) + ", " + facts.stillness());
        List<RelatedProcesses.Process> children = new ArrayList<>();
        List<Integer> childPids = rel.children(pid);
        for (int c : childPids.subList(0, Math.min(MAX_CHILDREN, childPids.size()))) {
            rel.describe(c).ifPresent(children::add);
        }
        if (childPids.size() > MAX_CHILDREN) {
            evidence.add(childPids.size() + " children; the first " + MAX_CHILDREN + " were read");
        }
        List<NextCall> next = new ArrayList<>();
        for (RelatedProcesses.Process c : children) {
            RelatedProcesses.Task main = c.tasks().isEmpty() ? null : c.tasks().get(0);
            evidence.add("child " + c.pid() + " (" + c.comm() + "): " + (main == null ? "no threads"
                    : "state " + main.state() + (main.syscall() != null ? ", in " + main.syscall() : ""))
                    + ", command: " + c.command());
            for (RelatedProcesses.Task task : c.tasks()) {
                if (task.state() == 'R' || !WRITES.contains(task.syscall())) {
                    continue;
                }
                long fd = task.firstArg();
                Optional<RelatedProcesses.PipeEnd> end = fd < 0 || fd > Integer.MAX_VALUE ? Optional.empty()
                        : rel.pipeEnd(c.pid(), (int) fd);
                if (end.isEmpty() || !end.get().write()) {
                    continue;
                }
                Finding f = pipeDeadlock(facts, t, g, c, task, end.get(), evidence);
                if (f != null) {
                    return f;
                }
            }
        }
        if (children.isEmpty()) {
            evidence.add("no children found (an exited child that nobody reaped would be a zombie child, which shows here)");
        }
        // A look at a child costs a runtime probe: the first few children only.
        for (RelatedProcesses.Process c : children.subList(0, Math.min(4, children.size()))) {
            if (next.size() < 2 && facts.peek().apply(c.pid()).isPresent()) {
                next.add(Next.snapshot(c.pid(), 3, "what the child " + c.pid() + " is doing"));
            }
        }
        subprocesses(facts).ifPresent(n -> next.add(0, n));
        if (next.isEmpty()) {
            next.add(Next.snapshot(pid, 5, "whether the wait for the child ever ends"));
        }
        String kids = children.isEmpty() ? "no child is left" : children.size() == 1
                ? "its child " + describe(children.get(0)) : children.size() + " children, first " + describe(children.get(0));
        dev.thaw.snapshot.Frame app = PythonStacks.firstApplicationFrame(g.frames());
        return new Finding("waits_for_child", Facts.who(t) + " waits for a child process without a timeout at "
                + (app == null ? PythonStacks.where(g.frames()) : PythonStacks.short_(app)) + "; " + kids + ".", "medium", evidence,
                "Wait with a timeout, and make sure the child can finish: drain its pipes (communicate()), close"
                        + " descriptors it waits on, answer what it asks for.", next,
                List.of("what the child waits for beyond its system call (snapshot it if it is a Python or JVM process)"));
    }

    private static Finding pipeDeadlock(Facts facts, ThreadSnapshot t, StackGroup g, RelatedProcesses.Process child,
                                        RelatedProcesses.Task writer, RelatedProcesses.PipeEnd end, List<String> evidence) {
        RelatedProcesses rel = facts.related();
        List<RelatedProcesses.PipeEnd> holders = rel.holders(end.inode());
        List<RelatedProcesses.PipeEnd> readers = holders.stream().filter(h -> !h.write()).toList();
        RelatedProcesses.PipeEnd ours = readers.stream().filter(h -> h.pid() == facts.pid()).findFirst().orElse(null);
        if (ours == null) {
            return null;
        }
        List<String> others = readers.stream().filter(h -> h.pid() != facts.pid()).map(h -> "pid " + h.pid() + " fd " + h.fd()).toList();
        boolean someoneMayRead = false;
        Optional<RelatedProcesses.Process> self = rel.describe(facts.pid());
        if (self.isPresent()) {
            for (RelatedProcesses.Task task : self.get().tasks()) {
                if (task.state() == 'R' || READS.contains(task.syscall())) {
                    someoneMayRead = true;
                }
            }
        }
        List<String> ev = new ArrayList<>(evidence);
        ev.add("child " + child.pid() + " thread " + writer.tid() + " blocked in " + writer.syscall() + " on fd "
                + end.fd() + " = write end of pipe:[" + end.inode() + "]");
        ev.add("process " + facts.pid() + " holds its read end as fd " + ours.fd()
                + (someoneMayRead ? "; some thread of it may be reading" : "; no thread of it is reading"));
        if (!others.isEmpty()) {
            ev.add("other read ends: " + String.join(", ", others));
        }
        List<NextCall> next = new ArrayList<>();
        if (facts.peek().apply(child.pid()).isPresent()) {
            next.add(Next.snapshot(child.pid(), 3, "the child's own stack at its write"));
        }
        Optional<NextCall> popen = subprocesses(facts);
        popen.ifPresent(next::add);
        if (popen.isEmpty()) {
            next.add(Next.snapshot(facts.pid(), 5, "the parent stays in its wait for the child"));
        }
        dev.thaw.snapshot.Frame app = PythonStacks.firstApplicationFrame(g.frames());
        String summary = "Pipe deadlock: " + Facts.who(t) + (app == null ? "" : " in " + PythonStacks.short_(app)) + " waits for child " + child.pid() + " (" + child.comm()
                + ") to exit, while the child is blocked writing to pipe:[" + end.inode() + "] (its fd " + end.fd()
                + ") whose read end this process holds as fd " + ours.fd() + " and nobody reads; each waits for the other.";
        return new Finding("pipe_deadlock", summary, someoneMayRead || !others.isEmpty() ? "medium" : "high", ev,
                "Read the child's output while waiting (Popen.communicate(), or a reader thread), or send it to a"
                        + " file or DEVNULL instead of a pipe.", next,
                someoneMayRead ? List.of("whether the thread of this process that is in a read/poll reads this pipe") : List.of());
    }

    /** From inside a Python parent that can run a script: each Popen, its pipes' unread bytes, who waits on it. */
    private static Optional<NextCall> subprocesses(Facts facts) {
        if (!facts.python() || !facts.pythonInjectable()) {
            return Optional.empty();
        }
        return Optional.of(Next.diagnostic(facts.pid(), "py.subprocesses", java.util.Map.of("max_children", MAX_CHILDREN),
                "each Popen, what its pipes hold unread and who waits on it (concludes pipe-deadlock)"));
    }

    private static String describe(RelatedProcesses.Process c) {
        RelatedProcesses.Task m = c.tasks().isEmpty() ? null : c.tasks().get(0);
        return c.pid() + " (" + c.comm() + ", " + (m == null ? "?" : m.state() == 'Z' ? "a zombie: exited, not reaped"
                : m.state() == 'R' ? "running" : "blocked in " + (m.syscall() == null ? "?" : m.syscall())) + ")";
    }
}
