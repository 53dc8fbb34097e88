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

    private PendingAdvice() {
    }

    static PendingReport report(int pid, ThreadChoice choice, InjectionMode mode, List<ThreadPlanner.Candidate> armed,
                                List<ThreadPlanner.Candidate> all, List<ArmedThread> threads,
                                SignalNudges.Reading signals) {
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
            boolean mainArmed = armed.stream().anyMatch(c -> c.thread().main());
            var harmless = signals.harmless();
            if (mainArmed && harmless.isPresent()) {
                advice.add(SignalNudges.propose(harmless.get(), pid));
            } else if (harmless.isPresent()) {
                advice.add("A signal would wake only the main thread (Python runs signal handlers there), which is "
                        + "not armed; thaw never sends signals.");
            } else {
                advice.add(SignalNudges.noneProposed(signals));
            }
            advice.add("snapshot shows every thread's stack: what the armed threads wait for, and who holds it.");
        }
        if (mode == InjectionMode.INLINE) {
            advice.add("mode \"inline\" arms one thread only; mode \"thread\" (default) with thread \"auto\" arms every "
                    + "thread that can run it.");
        }
        return new PendingReport(summary, threads, advice);
    }

    /**
     * Why nothing can pick the script up within {@code timeoutMs} (one reason per thread), and what to do
     * instead. Nothing was armed.
     *
     * @param considered the threads that could have run it (every Python thread for auto, else the chosen one)
     * @param related    e.g. "parent 41 (gunicorn)", for the advice; may be empty
     */
    static PendingReport undeliverable(int pid, ThreadChoice choice, long timeoutMs,
                                       List<ThreadPlanner.Candidate> considered, List<ThreadPlanner.Candidate> all,
                                       List<ArmedThread> threads, SignalNudges.Reading signals, List<String> related) {
        Map<Long, List<String>> frames = threads.stream().collect(Collectors.toMap(ArmedThread::tid, ArmedThread::frames,
                (a, b) -> a));
        String reasons = considered.stream().map(c -> reason(c, frames.getOrDefault(c.thread().nativeTid(), List.of()),
                timeoutMs)).collect(Collectors.joining("; "));
        String summary = "Undeliverable: no thread of process " + pid + " can reach a safe point within "
                + seconds(timeoutMs) + ", so the script could not run. " + reasons + ".";
        List<String> advice = new ArrayList<>();
        advice.add("Nothing was armed and the script was removed: it will never run, even when these threads wake.");
        advice.add("Look without a thread instead: snapshot (CLI: thaw stacks " + pid + ") reads every thread's stack, "
                + "locals and what each waits on from memory, and leads with its findings; a hang like this (threads "
                + "waiting on each other) is usually explained there. The Python catalog diagnostics run inside the "
                + "target too, so they cannot run either.");
        long sleeper = considered.stream().filter(c -> c.kernel().waitKind() == WaitKind.BOUNDED
                        && c.kernel().wakesInMs() != null).mapToLong(c -> c.kernel().wakesInMs()).min().orElse(-1);
        if (sleeper >= 0) {
            advice.add("A thread wakes by itself in about " + seconds(sleeper) + ": inject with timeout_s above "
                    + (long) Math.ceil((sleeper + 1_000) / 1000.0) + " to wait for it (the maximum is 3600).");
        }
        if (choice.kind() != ThreadChoice.Kind.AUTO) {
            List<ThreadPlanner.Candidate> others = all.stream().filter(c -> !c.kernel().cannotWakeWithin(timeoutMs)
                    && considered.stream().noneMatch(x -> x.thread().equals(c.thread()))).toList();
            if (!others.isEmpty()) {
                advice.add(0, "thread \"auto\" would use " + others.stream().limit(5)
                        .map(c -> c.thread().nativeTid() + (c.thread().main() ? " (main)" : ""))
                        .collect(Collectors.joining(", ")) + ", which run or wake by themselves.");
            }
        }
        advice.add(SignalNudges.noneProposed(signals));
        if (!related.isEmpty()) {
            advice.add("Related processes: " + String.join(", ", related) + ". If these threads wait for one of them "
                    + "(a pipe, a socket, a child), look at it with snapshot.");
        }
        return new PendingReport(summary, threads, advice);
    }

    private static String reason(ThreadPlanner.Candidate c, List<String> frames, long timeoutMs) {
        KernelThread k = c.kernel();
        String why = k.waitKind() == WaitKind.UNBOUNDED ? "it waits until another thread or process acts"
                : "it wakes after the " + seconds(timeoutMs) + " wait";
        return "thread " + c.thread().nativeTid() + (c.thread().main() ? " (main)" : "")
                + (k.name().isEmpty() ? "" : " \"" + k.name() + "\"")
                + (frames.isEmpty() ? "" : " at " + frames.get(0))
                + " is in " + k.waitDetail() + ": " + why;
    }

    private static String seconds(long ms) {
        return ms < 10_000 ? (ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000.0 + " s")
                : ms < 7_200_000 ? Math.round(ms / 1000.0) + " s" : Math.round(ms / 3_600_000.0) + " h";
    }

    private static String describe(ThreadPlanner.Candidate c, List<String> frames) {
        return "thread " + c.thread().nativeTid() + (c.thread().main() ? " (main)" : "")
                + (c.kernel().name().isEmpty() ? "" : " \"" + c.kernel().name() + "\"")
                + (frames.isEmpty() ? "" : " at " + frames.get(0))
                + " is " + c.kernel().waitDetail()
                + (c.wakesByItself() ? "" : ": it will not reach a safe point on its own");
    }
}
