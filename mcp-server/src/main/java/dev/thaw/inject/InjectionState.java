package dev.thaw.inject;

import java.util.Locale;

/**
 * Where an injection is. The order is the happy path; every runtime (Python through PEP 768, the
 * JVM through injector-agent) reports the same states. The diagram is the transition table
 * ({@link #canMoveTo}); an injection refuses any other move.
 *
 * <pre>
 * queued ─► delivered ─► running ─► completed | failed
 *    │          │           │
 *    │          ├───────────┴─────► timed_out ─► completed | failed | target_exited  (picked up: it may finish late)
 *    │          └─────────────────► failed  (did not compile, could not start, or its directory was tampered with)
 *    ├────────────────────────────► timed_out  (never picked up: taken back, it will not run; nothing follows)
 *    ├────────────────────────────► failed  (its directory was tampered with before any thread picked it up)
 *    ├────────────────────────────► cancelled  (not approved, refused at delivery, or the server shut down first)
 *    ├────────────────────────────► undeliverable  (no thread can run it within the wait: never armed)
 *    └── queued, delivered, running, a picked-up timed_out ─► target_exited
 * </pre>
 *
 * A picked-up script may report its end at once: queued moves to delivered, then to running or
 * (a compile failure) failed, in the same look.
 */
public enum InjectionState {
    /** Accepted and recorded; waiting for approval, for an earlier injection into the same process, or for the armed thread. */
    QUEUED,
    /** The target picked up the bootstrap (the runtime is executing thaw's code). */
    DELIVERED,
    /** The user's script is executing. */
    RUNNING,
    /** The script ended normally (sys.exit(0) included). */
    COMPLETED,
    /** The script did not compile, raised, or called sys.exit with a non-zero code. */
    FAILED,
    /** The caller's wait ended first. If the script was running it may still finish: its output is still collected. */
    TIMED_OUT,
    /** The target process ended before the script did. */
    TARGET_EXITED,
    /** Not approved, or the server shut down before delivery; nothing ran. */
    CANCELLED,
    /**
     * Answered at once: what the target's threads are doing shows that none can reach a safe point
     * within the caller's wait (blocked without a timeout, or sleeping past it). Nothing was armed
     * and the payload was removed: it can never run later.
     */
    UNDELIVERABLE;

    /** The lower-case name used on the wire, in logs and in status files. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InjectionState fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** Nothing more will happen: the result is final. {@link #TIMED_OUT} is not final: a late finish is still recorded. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == TARGET_EXITED || this == CANCELLED || this == UNDELIVERABLE;
    }

    /**
     * Whether the diagram above has an edge from this state to {@code next}. {@link #TIMED_OUT}'s
     * onward edges are for a script that was picked up; one taken back has ended (the injection
     * knows which).
     */
    boolean canMoveTo(InjectionState next) {
        return switch (this) {
            case QUEUED -> next == DELIVERED || next == TIMED_OUT || next == FAILED || next == CANCELLED
                    || next == UNDELIVERABLE || next == TARGET_EXITED;
            case DELIVERED -> next == RUNNING || next == FAILED || next == TIMED_OUT || next == TARGET_EXITED;
            case RUNNING -> next == COMPLETED || next == FAILED || next == TIMED_OUT || next == TARGET_EXITED;
            case TIMED_OUT -> next == COMPLETED || next == FAILED || next == TARGET_EXITED;
            case COMPLETED, FAILED, TARGET_EXITED, CANCELLED, UNDELIVERABLE -> false;
        };
    }

    /** The script has started (or ended) in the target: delivery is over. */
    public boolean reachedTarget() {
        return this == DELIVERED || this == RUNNING || this == COMPLETED || this == FAILED;
    }
}
