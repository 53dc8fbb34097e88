package dev.thaw.session;

import java.util.Map;

/**
 * The session-side API the injection lifecycle reports to. Each call appends a record and forces it
 * to disk before returning, so calling it before acting (queue, deliver) makes the log a write-ahead
 * log: nothing reaches a target that the log does not already hold.
 *
 * <p>The injection engine (dev.thaw.inject) exposes its own listener; wiring the two is one adapter
 * that forwards its events here.
 */
public interface InjectionJournal {

    /** Before approval and before anything touches the target: the full script, its hash, the target. */
    void queued(RecordedInjectionRequest request);

    /** The approval decision, before delivery (or instead of it). */
    void decided(RecordedApproval decision);

    /**
     * A status change: {@code queued}, {@code delivered}, {@code running}, {@code completed},
     * {@code failed}, {@code timed_out}, {@code target_exited}, ...; {@code detail} holds what the
     * engine knows (traceback, what the armed thread waits on), may be empty.
     */
    void status(String injectionId, String status, Map<String, Object> detail);

    /** A piece of output, at byte {@code offset} of the injection's output; {@code truncated} when the cap cut it. */
    default void output(String injectionId, long offset, byte[] data, boolean truncated) {
        output(injectionId, offset, data, truncated, Map.of());
    }

    /**
     * The same, with what else the engine knows about the output (final state, error line, traceback,
     * bytes dropped beyond the cap); recorded under {@code detail}.
     */
    void output(String injectionId, long offset, byte[] data, boolean truncated, Map<String, Object> detail);
}
