package dev.thaw.inject;

import java.util.List;

/**
 * The answer of {@code inject_script}: where the injection stands and the first part of its output.
 *
 * @param injectionId  what {@code read_output} takes
 * @param pid          the target
 * @param state        see {@link InjectionState}
 * @param delivered    the target picked the script up (it ran, runs, or failed to compile)
 * @param mode         {@code thread} or {@code inline}
 * @param armedTids    the threads thaw armed
 * @param deliveredTid the thread that picked it up, or null
 * @param scriptTid    the thread the script ran on, or null
 * @param elapsedMs    server-side time from the call to this answer
 * @param scriptMs     the script's own run time, when it ended
 * @param output       the first part of the output (at most the preview size)
 * @param outputBytes  output bytes kept so far (final once the state is final)
 * @param more         output beyond {@code output}: page with read_output from {@code nextOffset}
 * @param nextOffset   where read_output continues
 * @param truncated    the script printed more than the output cap; the rest was dropped
 * @param droppedBytes bytes dropped beyond the cap
 * @param error        for failed: the exception line (or the compiler's message)
 * @param errorType    for failed: the exception type
 * @param traceback    for failed: the traceback
 * @param exitCode     when the script called sys.exit
 * @param pending      for undelivered ones: what the armed threads wait on and what would help
 * @param sha256       of the script text
 * @param notes        anything else worth knowing (e.g. a timed-out script keeps running)
 * @param timings      where the time went
 * @param verdicts     the conclusions the script printed on its {@code @thaw-verdicts} line (catalog
 *                     diagnostics and kit scripts do), once it has ended; null when it printed none
 */
public record InjectionResult(String injectionId, int pid, String state, boolean delivered, String mode,
                              List<Long> armedTids, Long deliveredTid, Long scriptTid, double elapsedMs, Double scriptMs,
                              String output, long outputBytes, boolean more, long nextOffset, boolean truncated,
                              long droppedBytes, String error, String errorType, String traceback, Object exitCode,
                              PendingReport pending, String sha256, List<String> notes,
                              Timings timings, List<Verdict> verdicts) {
}
