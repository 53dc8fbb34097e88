package dev.thaw.python.inject;

import dev.thaw.inject.ArmedThread;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.PendingReport;
import dev.thaw.inject.ThreadChoice;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Words for a delivery that has not happened yet: what the armed threads wait on, and what would help. */
final class PendingAdvice {

    /** Signals a program may catch whose delivery is worth suggesting: not SIGINT (KeyboardInterrupt), not crash signals. */
    private static final Map<Integer, String> NUDGES = Map.of(1, "SIGHUP", 10, "SIGUSR1", 12, "SIGUSR2",
            14, "SIGALRM", 28, "SIGWINCH", 23, "SIGURG");

    private PendingAdvice() {
    }

    static PendingReport report(int pid, ThreadChoice choice, InjectionMode mode, List<ThreadPlanner.Candidate> armed,
                                List<ThreadPlanner.Candidate> all, List<ArmedThread> threads, long caughtSignals) {
        List<String> advice = new ArrayList<>();
        String summary;
        if (armed.isEmpty()) {
            summary = "The armed thread(s) have exited; nothing can pick the script up.";
            advice.add("Inject again (thread \"auto\" picks among the live threads).");
            return new PendingReport(summary, threads, advice);
        }
        Map<Long, List<String>> frames = threads.stream().collect(Collectors.toMap(ArmedThread::tid, ArmedThread::frames,
                (a, b) -> a));
        String states = armed.stream().map(c -> describe(c, frames.getOrDefault(c.thread().nativeTid(), List.of())))
                .collect(Collectors.joining("; "));
        boolean anyWakes = armed.stream().anyMatch(ThreadPlanner.Candidate::wakesByItself);
        summary = "Not delivered yet. Armed: " + states + ".";
        if (anyWakes) {
            long soonest = armed.stream().mapToLong(ThreadPlanner.Candidate::urgency).min().orElse(0);
            if (soonest == 0) {
                advice.add("An armed thread is running; it picks the script up at its next bytecode boundary unless it "
                        + "is inside a long C call that holds the GIL (a big regex, sort or C extension call).");
            } else {
                advice.add("An armed thread wakes by itself within about " + soonest + " ms; wait (a longer timeout_s) "
                        + "and read_output.");
            }
        } else {
            advice.add("No armed thread will reach a safe point by itself: each waits for something another thread "
                    + "or process must do (a lock without timeout, I/O). The script runs as soon as one of them wakes.");
            List<ThreadPlanner.Candidate> others = all.stream()
                    .filter(c -> c.wakesByItself() && armed.stream().noneMatch(a -> a.thread().equals(c.thread())))
                    .toList();
            if (choice.kind() != ThreadChoice.Kind.AUTO && !others.isEmpty()) {
                advice.add("thread \"auto\" would arm " + others.stream().limit(5)
                        .map(c -> c.thread().nativeTid() + (c.thread().main() ? " (main)" : ""))
                        .collect(Collectors.joining(", ")) + ", which run or wake by themselves.");
            }
            String nudges = NUDGES.entrySet().stream().filter(e -> (caughtSignals & (1L << (e.getKey() - 1))) != 0)
                    .map(Map.Entry::getValue).sorted().collect(Collectors.joining(", "));
            if (!nudges.isEmpty()) {
                advice.add("The program catches " + nudges + ": sending one (kill -" + nudges.split(", ")[0]
                        .replace("SIG", "") + " " + pid + ") makes the thread that runs its handler reach a safe "
                        + "point. Only do this if you know the handler is harmless; thaw never sends signals.");
            } else {
                advice.add("The program catches no signal that could be used as a harmless nudge (SIGINT would "
                        + "raise KeyboardInterrupt); thaw never sends signals.");
            }
            advice.add("snapshot shows every thread's stack: what the armed threads wait for, and who holds it.");
        }
        if (mode == InjectionMode.INLINE) {
            advice.add("mode \"inline\" arms one thread only; mode \"thread\" (default) with thread \"auto\" arms every "
                    + "thread that can run it.");
        }
        return new PendingReport(summary, threads, advice);
    }

    private static String describe(ThreadPlanner.Candidate c, List<String> frames) {
        return "thread " + c.thread().nativeTid() + (c.thread().main() ? " (main)" : "")
                + (c.kernel().name().isEmpty() ? "" : " \"" + c.kernel().name() + "\"")
                + (frames.isEmpty() ? "" : " at " + frames.get(0))
                + " is " + c.kernel().waitDetail()
                + (c.wakesByItself() ? "" : ": it will not reach a safe point on its own");
    }
}
