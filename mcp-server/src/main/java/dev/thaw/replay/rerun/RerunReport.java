package dev.thaw.replay.rerun;

import dev.thaw.session.RecordedTarget;

import java.util.List;

/**
 * What {@code thaw replay --rerun} found, per injection of the original session, in order.
 *
 * @param log     the original session log
 * @param target  the new process
 * @param policy  the approval policy applied
 * @param newLog  the session log of the re-run itself
 */
public record RerunReport(String log, RecordedTarget target, String policy, String newLog, List<Item> items) {

    /** What happened to one injection. */
    public enum Outcome { SAME, SAME_MODULO_IDS, CHANGED, SKIPPED, REFUSED }

    /**
     * @param originalId     the injection in the original session
     * @param rerunId        its re-run's id, or null when it was not re-run
     * @param what           "catalog entry X" or "custom python script"
     * @param sha256         the script's hash
     * @param oldStatus      the original final status
     * @param newStatus      the re-run's final status, or null
     * @param outcome        the verdict
     * @param why            the first difference, or why it was skipped or refused
     */
    public record Item(String originalId, String rerunId, String what, String sha256, String oldStatus,
                       String newStatus, Outcome outcome, String why) {
    }

    public long changed() {
        return items.stream().filter(i -> i.outcome() == Outcome.CHANGED).count();
    }
}
