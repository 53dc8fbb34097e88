package dev.thaw.session.approval;

import dev.thaw.session.RecordedInjectionRequest;

/**
 * Asks a person whether one injection may run: through MCP elicitation in {@code thaw serve}, on the
 * terminal for {@code thaw replay --rerun}.
 */
public interface Approver {

    /**
     * Why nobody can be asked (e.g. "the client does not support MCP elicitation"), or null when
     * {@link #ask} can reach a person.
     */
    String unavailableReason();

    /** Shows {@code message} for {@code request} and waits for the answer. Must not throw. */
    Answer ask(RecordedInjectionRequest request, String message);

    /** Tells the person (or client) about the decision, e.g. as an MCP logging notification. Must not throw. */
    default void announce(RecordedInjectionRequest request, dev.thaw.session.RecordedApproval decision) {
    }

    /**
     * @param approved true only when the person explicitly confirmed
     * @param how      one of the {@code ApprovalDecision.HOW_*} constants
     * @param detail   one line for the log, or null
     * @param waitedMs how long the answer took
     * @param allowFor when approved: the person also allowed custom scripts for this process for this long
     *                 (null: this once)
     */
    record Answer(boolean approved, String how, String detail, long waitedMs, java.time.Duration allowFor) {

        public Answer(boolean approved, String how, String detail, long waitedMs) {
            this(approved, how, detail, waitedMs, null);
        }
    }
}
