package dev.thaw.python.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.python.inject.Pep768Writer.PyThread;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Decides which threads to arm. A PEP 768 script runs only when an armed thread reaches a safe
 * point (a bytecode boundary, or a C call that checks for signals); a thread blocked forever never
 * does, which is exactly what happens to {@code sys.remote_exec} when the main thread is the stuck
 * one. For {@code thread: "auto"}:
 * <ul>
 *   <li>the main thread is armed when it runs or waits with a bound (sleep, timed wait);</li>
 *   <li>in {@code thread} mode every other thread that runs or wakes by itself is armed too (up to
 *       {@link #MAX_ARMED}): the first to reach a safe point runs the bootstrap, the run-once guard
 *       turns the others away, and thaw takes the rest back;</li>
 *   <li>in {@code inline} mode one thread only (the script runs on it, so which one matters): the
 *       main thread when eligible, else the soonest to wake;</li>
 *   <li>when every thread is blocked without a bound, or sleeps past the caller's wait, nothing is
 *       armed: the delivery is {@link #undeliverable} and the caller hears at once why, and what to
 *       do instead;</li>
 *   <li>when no thread is known to wake soon but some might (an unknown state, a relative timeout
 *       that may end sooner), all of them are armed (whichever wakes first runs it) and the delivery
 *       reports what they wait on;</li>
 *   <li>threads younger than {@link #SETTLED_MS} are left alone until they have settled (see there).</li>
 * </ul>
 */
final class ThreadPlanner {

    static final int MAX_ARMED = 16;
    /**
     * Threads younger than this are not armed by "auto" (the main thread always may be). Arming
     * writes into the thread's state; a thread that exits between thaw's last look and the write has
     * had that memory freed, and the write corrupts the target's heap. Short-lived threads (one per
     * request, per job) are where that race is real — seen crashing targets under thread churn — so
     * auto waits until a thread has lived this long; the periodic re-plan adds it then.
     */
    static final long SETTLED_MS = 1_000;

    /**
     * A Python thread with what the kernel says about it.
     *
     * @param ageMs how long ago the thread started, or null when unknown (not inspected)
     */
    record Candidate(PyThread thread, KernelThread kernel, Long ageMs) {

        Candidate(PyThread thread, KernelThread kernel) {
            this(thread, kernel, null);
        }

        /**
         * Safe to arm: the main thread (its state lives as long as the interpreter), a thread that has
         * lived {@link #SETTLED_MS}, or one blocked without a bound (it cannot end by itself: it is not
         * a short-lived worker on its way out).
         */
        boolean settled() {
            return thread.main() || ageMs == null || ageMs >= SETTLED_MS || !wakesByItself();
        }

        long urgency() {
            // A thread without a Python frame reaches a safe point only through PyErr_CheckSignals.
            long u = kernel.urgency();
            return thread.hasFrame() || u == Long.MAX_VALUE ? u : Math.max(u, 60_000);
        }

        boolean wakesByItself() {
            return urgency() != Long.MAX_VALUE;
        }
    }

    private ThreadPlanner() {
    }

    /** The threads to arm now. Never empty: refuses instead. */
    static List<Candidate> plan(int pid, ThreadChoice choice, InjectionMode mode, List<Candidate> all) {
        if (all.isEmpty()) {
            throw new ThawException(ErrorCode.NO_THREADS, "Process " + pid + " has no Python thread states (the interpreter "
                    + "is shutting down).", "Nothing can run a script in it; snapshot can still look at it.");
        }
        switch (choice.kind()) {
            case MAIN -> {
                return List.of(all.stream().filter(c -> c.thread().main()).findFirst().orElseThrow(() ->
                        new ThawException(ErrorCode.NO_MAIN_THREAD, "Process " + pid + " has no main thread state: its main "
                                + "script has returned (non-daemon threads keep it alive) or it is an embedded "
                                + "interpreter. This is also why sys.remote_exec fails on it.",
                                "Use thread \"auto\" or one of its Python threads: " + tids(all) + ".")));
            }
            case TID -> {
                return List.of(all.stream().filter(c -> c.thread().nativeTid() == choice.tid()).findFirst()
                        .orElseThrow(() -> new ThawException(ErrorCode.NO_SUCH_THREAD, "Thread " + choice.tid()
                                + " is not a Python thread of process " + pid + ".",
                                "Use thread \"auto\", \"main\", or one of its Python threads: " + tids(all) + ".")));
            }
            default -> {
                return auto(mode, all);
            }
        }
    }

    /**
     * Whether the kernel's view proves that no thread that could run the script reaches a safe point
     * within {@code timeoutMs}: every one is blocked without a bound, or sleeps (waits) until an
     * absolute deadline past it. For {@code auto} that is every Python thread (young ones included:
     * a re-plan would add them); for {@code main} or a TID, the chosen one. A thread whose state is
     * unknown, or whose bound is only an upper limit, might: such a plan is delivered as before.
     */
    static boolean undeliverable(ThreadChoice choice, List<Candidate> planned, List<Candidate> all, long timeoutMs) {
        List<Candidate> considered = choice.kind() == ThreadChoice.Kind.AUTO ? all : planned;
        return !considered.isEmpty() && considered.stream().allMatch(c -> c.kernel().cannotWakeWithin(timeoutMs));
    }

    /** Threads worth adding to an existing auto delivery (they woke up or appeared since). */
    static List<Candidate> additions(InjectionMode mode, List<Candidate> all, List<Long> armed) {
        List<Candidate> plan = auto(mode, all);
        boolean armedWake = all.stream().anyMatch(c -> armed.contains(c.thread().nativeTid()) && c.wakesByItself());
        if (mode == InjectionMode.INLINE && armedWake) {
            return List.of();
        }
        return plan.stream().filter(c -> c.wakesByItself() && !armed.contains(c.thread().nativeTid())).toList();
    }

    private static List<Candidate> auto(InjectionMode mode, List<Candidate> candidates) {
        List<Candidate> settled = candidates.stream().filter(Candidate::settled).toList();
        // Only young threads (no main thread state, everything just started): the oldest one is the best bet.
        List<Candidate> all = !settled.isEmpty() ? settled : List.of(candidates.stream()
                .max(Comparator.comparingLong(c -> c.ageMs() == null ? 0 : c.ageMs())).orElseThrow());
        List<Candidate> sorted = new ArrayList<>(all);
        // Soonest first; the main thread first among equals (it is what a person expects to see run it).
        sorted.sort(Comparator.comparingLong(Candidate::urgency)
                .thenComparing(c -> !c.thread().main())
                .thenComparingLong(c -> c.thread().nativeTid()));
        List<Candidate> eligible = sorted.stream().filter(Candidate::wakesByItself).toList();
        if (mode == InjectionMode.INLINE) {
            Candidate main = eligible.stream().filter(c -> c.thread().main()).findFirst().orElse(null);
            if (main != null) {
                return List.of(main);
            }
            if (!eligible.isEmpty()) {
                return List.of(eligible.get(0));
            }
            return List.of(sorted.stream().filter(c -> c.thread().main()).findFirst().orElse(sorted.get(0)));
        }
        List<Candidate> chosen = eligible.isEmpty() ? sorted : eligible;
        return chosen.subList(0, Math.min(MAX_ARMED, chosen.size()));
    }

    private static String tids(List<Candidate> all) {
        String s = all.stream().limit(20)
                .map(c -> c.thread().nativeTid() + (c.thread().main() ? " (main)" : ""))
                .collect(Collectors.joining(", "));
        return all.size() > 20 ? s + ", ..." : s;
    }
}
