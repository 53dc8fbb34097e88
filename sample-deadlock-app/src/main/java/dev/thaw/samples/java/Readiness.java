package dev.thaw.samples.java;

import java.util.Collection;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How a scenario proves it is hung before its pid line is printed: it polls the state of its own
 * threads (Thread.State, the object each one is parked on, who is queued on which lock) until the
 * hang is complete, for at most {@link #DEADLINE_MS}. No sleeping "long enough": when
 * {@link #await} returns, the hang is there.
 */
public final class Readiness {

    /** Every scenario must be hung within this time, on every run: tests and demos wait for no longer. */
    public static final long DEADLINE_MS = 2_000;

    private Readiness() {
    }

    /** Raised when a scenario did not reach its hang within the deadline. */
    public static final class NotHung extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotHung(String message) {
            super(message);
        }
    }

    /**
     * Returns once {@code hung} holds; otherwise, after {@link #DEADLINE_MS}, throws {@link NotHung}
     * with {@code state}'s description of what is missing.
     */
    public static void await(String scenario, BooleanSupplier hung, Supplier<String> state) {
        long deadline = System.nanoTime() + DEADLINE_MS * 1_000_000L;
        while (!hung.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new NotHung(scenario + " did not reach its hang within " + DEADLINE_MS + " ms: " + state.get());
            }
            LockSupport.parkNanos(1_000_000L); // 1 ms between looks
        }
    }

    /** The thread waits without a timeout: BLOCKED on a monitor, or WAITING (parked, Object.wait, join). */
    public static boolean stuck(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.BLOCKED || s == Thread.State.WAITING;
    }

    /** The thread is WAITING, parked on an object of {@code blockerType} (LockSupport.getBlocker). */
    public static boolean parkedOn(Thread t, Class<?> blockerType) {
        Object blocker = LockSupport.getBlocker(t);
        return t.getState() == Thread.State.WAITING && blockerType.isInstance(blocker);
    }

    /** Each thread's name, state and park blocker, for the failure message. */
    public static String describe(Collection<Thread> threads) {
        StringBuilder sb = new StringBuilder();
        for (Thread t : threads) {
            Object blocker = LockSupport.getBlocker(t);
            sb.append(sb.length() == 0 ? "" : ", ").append('"').append(t.getName()).append("\" ").append(t.getState())
                    .append(blocker == null ? "" : " on " + blocker.getClass().getName());
        }
        return sb.length() == 0 ? "no threads yet" : sb.toString();
    }
}
