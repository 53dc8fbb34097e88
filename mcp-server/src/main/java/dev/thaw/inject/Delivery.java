package dev.thaw.inject;

import java.util.List;

/**
 * An armed target, until the payload is picked up (or taken back). Called from one thread at a time.
 */
public interface Delivery extends AutoCloseable {

    /** The threads armed so far. */
    List<Long> armedTids();

    /** One sentence: which threads were armed and why. */
    String describe();

    /** Facts the caller should find in the result's notes (e.g. a JVM printed a warning when its agent was loaded). */
    default List<String> notes() {
        return List.of();
    }

    /**
     * Called now and then while nothing has picked the payload up: may arm more threads that have
     * become likely to reach a safe point (only when the caller let thaw choose).
     */
    void refresh();

    /** What the armed threads are waiting on, and what would help. */
    PendingReport pending();

    /**
     * Non-null when the runtime saw, before arming anything, that no thread can pick the payload up
     * within the caller's wait: why (per thread) and what to do instead. Nothing is armed then; the
     * service answers {@link InjectionState#UNDELIVERABLE} at once and removes the payload.
     */
    default PendingReport undeliverable() {
        return null;
    }

    /** Takes back every armed thread that has not picked the payload up; returns how many. */
    int disarm();

    /**
     * {@link #disarm} once the payload was picked up, by {@code pickedUpBy} when the target said
     * which thread (else null). A runtime may skip what cannot be armed any more.
     */
    default int disarmAfterPickup(Long pickedUpBy) {
        return disarm();
    }

    @Override
    void close();
}
