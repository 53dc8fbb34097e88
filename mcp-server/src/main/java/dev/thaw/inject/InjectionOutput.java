package dev.thaw.inject;

/**
 * What a finished injection produced, handed once to {@link InjectionListener#output}.
 *
 * @param id           the injection
 * @param state        its final (or late) state
 * @param output       the captured output, at most the request's output cap, UTF-8
 * @param sha256       hex SHA-256 of {@code output}
 * @param truncated    output went past the cap
 * @param droppedBytes bytes beyond the cap (counted, not kept)
 * @param error        the exception line for failed scripts, or null
 * @param traceback    the traceback for failed scripts, or null
 */
public record InjectionOutput(String id, InjectionState state, byte[] output, String sha256, boolean truncated,
                              long droppedBytes, String error, String traceback) {
}
