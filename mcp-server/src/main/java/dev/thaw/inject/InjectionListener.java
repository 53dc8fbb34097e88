package dev.thaw.inject;

/**
 * Hears everything an injection goes through, for the session log. Calls come from the
 * thread doing the work, in order per injection; an implementation must be quick and must not
 * throw (exceptions are logged and otherwise ignored, so a broken log never breaks an injection).
 * {@link #queued} is called before approval and delivery: it is the write-ahead record.
 */
public interface InjectionListener {

    InjectionListener NONE = new InjectionListener() {
    };

    /** Before anything else: the exact script, its hash and the target. */
    default void queued(QueuedInjection injection) {
    }

    /** The approval gate's answer, before delivery. */
    default void approval(String id, ApprovalDecision decision) {
    }

    /** Every state change, including late ones (a timed-out script that finishes afterwards). */
    default void statusChanged(StatusChange change) {
    }

    /** Once, when the output is final. */
    default void output(InjectionOutput output) {
    }
}
