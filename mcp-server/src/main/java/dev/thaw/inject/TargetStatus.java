package dev.thaw.inject;

/**
 * The contents of {@code status.json}, as the code in the target last wrote it.
 *
 * @param state        {@code delivered}, {@code running}, {@code completed} or {@code failed}
 * @param armedTid     the thread that picked the payload up
 * @param tid          the thread the script runs on
 * @param phase        for failures before the script ran: {@code compile} or {@code start}
 * @param error        the exception line, or the compiler's message
 * @param errorType    the exception type
 * @param traceback    the traceback
 * @param exit         the sys.exit code, when the script called it
 * @param outputBytes  output bytes kept (final states only)
 * @param truncated    output went past the cap
 * @param droppedBytes bytes dropped beyond the cap
 * @param elapsedMs    the script's run time
 * @param deliveredNs  CLOCK_MONOTONIC time the payload was picked up (comparable with System.nanoTime), or null
 * @param runningNs    CLOCK_MONOTONIC time the script started, or null
 * @param endedNs      CLOCK_MONOTONIC time the script ended, or null
 */
public record TargetStatus(InjectionState state, Long armedTid, Long tid, String phase, String error, String errorType,
                           String traceback, Object exit, long outputBytes, boolean truncated, long droppedBytes,
                           Double elapsedMs, Long deliveredNs, Long runningNs, Long endedNs) {

    /**
     * The status thaw gives an injection whose directory was tampered with: a link, FIFO, socket,
     * device or directory where the target's code writes a regular file. thaw stops reading there.
     */
    static TargetStatus tampered(String what, TargetStatus last) {
        return new TargetStatus(InjectionState.FAILED, last == null ? null : last.armedTid(),
                last == null ? null : last.tid(), "tampered", "The injection directory was tampered with: " + what
                + ". thaw stopped reading it; the script's own result, if any, is unknown.", "tampered", null, null,
                0, false, 0, null, last == null ? null : last.deliveredNs(), last == null ? null : last.runningNs(), null);
    }
}
