package dev.thaw.replay.rerun;

import dev.thaw.session.RecordedInjectionRequest;

/**
 * Runs one approved injection to its end and returns what happened: the seam between the replay
 * (which decides what to re-run and compares) and the injection engine (dev.thaw.inject), which
 * implements this through a {@link InjectionRunnerProvider}.
 */
public interface InjectionRunner {

    /** Delivers {@code request} to its target and waits for a final status (at most its timeout). */
    Result run(RecordedInjectionRequest request);

    /**
     * @param status the final status ({@code completed}, {@code failed}, {@code timed_out}, ...)
     * @param output the output bytes (possibly capped)
     * @param detail a line about a failure (traceback head, what the thread waited on), or null
     */
    record Result(String status, byte[] output, String detail) {
        public Result {
            output = output == null ? new byte[0] : output;
        }
    }
}
