package dev.thaw.findings;

import dev.thaw.proc.RelatedProcesses;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;

import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * What the rules read: one snapshot whose groups carry their {@link Activity}, the kernel's view of
 * related processes, and a way to snapshot one of them (the parent of a forked child) without findings.
 *
 * @param snapshot  the snapshot, groups judged
 * @param related   children, parent, pipes (read lazily, only by the rules that need them)
 * @param peek      a plain one-sample snapshot of another process, empty when it is not a Python or JVM
 *                  process or cannot be read
 */
public record Facts(Snapshot snapshot, RelatedProcesses related, IntFunction<Optional<Snapshot>> peek) {

    public int pid() {
        return snapshot.pid();
    }

    public boolean jvm() {
        return snapshot.jvm() != null || "jvm".equals(snapshot.runtime());
    }

    public boolean python() {
        return "cpython".equals(snapshot.runtime());
    }

    /** Every thread was read (no thread filter): process-wide conclusions are allowed. */
    public boolean wholeProcess() {
        return snapshot.threadFilter() == null;
    }

    public List<StackGroup> groups() {
        return snapshot.groups();
    }

    /**
     * Whether an injected Python script could run: some thread executes bytecode now or wakes by itself
     * (a timed wait, a sleep). A process where every thread waits without a timeout never reaches a
     * safe point, and an injection would only time out undelivered.
     */
    public boolean pythonInjectable() {
        for (StackGroup g : groups()) {
            ThreadSnapshot t = g.threads().get(0);
            String s = t.state();
            if (WaitClassifier.RUNNING.equals(s) || WaitClassifier.SLEEPING.equals(s)
                    || WaitClassifier.TIMED_WAIT.equals(s) || Boolean.FALSE.equals(t.stuck())
                    || (Activity.IDLE.equals(g.activity()) && PythonStacks.eventLoopThread(g.frames()))
                    || (Activity.IDLE.equals(g.activity()) && PythonStacks.idleGeventHub(g.frames()))) {
                return true;
            }
        }
        return false;
    }

    /** One sample only: "the same stack in every sample" cannot be told, so rules accept it and say so. */
    public boolean oneSample() {
        return snapshot.samples() < 2;
    }

    /** The thread did not move: same stack in every sample, or only one sample (then {@link #ONE_SAMPLE} is unchecked). */
    public static boolean still(ThreadSnapshot t) {
        return !Boolean.FALSE.equals(t.stuck());
    }

    /** "same stack in all 3 samples", or "one sample". */
    public String stillness() {
        return oneSample() ? "one sample" : "same stack in all " + snapshot.samples() + " samples";
    }

    static final String ONE_SAMPLE = "one sample: whether it lasts (take samples: 3)";

    /** The thread's name in quotes, with its tid: {@code "event-loop" (tid 42)}. */
    static String who(ThreadSnapshot t) {
        return (t.name() == null ? "thread" : "\"" + t.name() + "\"") + " (tid " + t.tid() + ")";
    }
}
