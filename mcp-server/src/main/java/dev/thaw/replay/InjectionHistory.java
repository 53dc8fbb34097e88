package dev.thaw.replay;

import dev.thaw.session.RecordedTarget;

import java.util.List;
import java.util.Map;

/**
 * Everything the log says about one injection, assembled from its records.
 *
 * @param id          the injection id
 * @param queuedSeq   seq of the write-ahead record, or null when it is missing
 * @param target      the process it was meant for
 * @param catalogId   the catalog entry, or null for a custom script
 * @param script      the full script text, or null when the write-ahead record is missing
 * @param sha256      the recorded hash
 * @param hashMatches whether the recorded hash matches the recorded text
 * @param thread      the thread choice as recorded ({@code auto}, {@code main}, a tid), or null
 * @param mode        {@code thread} or {@code inline}, or null
 * @param timeoutS    the caller's wait, or null
 * @param decision    the approval decision, or null when none was recorded
 * @param statuses    status changes in order
 * @param output      the assembled output, or null when none was recorded
 */
public record InjectionHistory(String id, Long queuedSeq, String queuedAt, RecordedTarget target, String language,
                               String catalogId, Map<String, Object> params, String script, String sha256,
                               boolean hashMatches, String hypothesis, String thread, String mode, Integer timeoutS,
                               Decision decision, List<StatusChange> statuses, Output output) {

    public record Decision(boolean approved, String how, String policy, String detail, Long waitedMs, String time) {
    }

    public record StatusChange(String time, String status, Map<String, Object> detail) {
    }

    /**
     * @param data      the output bytes that could be read, in order
     * @param truncated the engine's cap cut the output
     * @param problems  chunks that could not be read (missing sidecar, hash mismatch)
     * @param detail    what the engine added (error line, traceback, bytes dropped), may be empty
     */
    public record Output(byte[] data, boolean truncated, List<String> problems, Map<String, Object> detail) {
    }

    public boolean isCatalogEntry() {
        return catalogId != null && !catalogId.isBlank();
    }

    /** The last status, or "not run" when approval was refused, or "unknown". */
    public String finalStatus() {
        if (!statuses.isEmpty()) {
            return statuses.get(statuses.size() - 1).status();
        }
        if (decision != null && !decision.approved()) {
            return "not run (" + decision.how() + ")";
        }
        return decision == null ? "no decision recorded" : "no status recorded";
    }
}
