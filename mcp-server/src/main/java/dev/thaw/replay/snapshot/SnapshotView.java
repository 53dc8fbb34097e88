package dev.thaw.replay.snapshot;

import java.util.List;

/**
 * What the postmortem shows of one recorded snapshot.
 *
 * @param callSeq      seq of the tool_call record holding it
 * @param pid          the process
 * @param runtime      {@code cpython}, {@code jvm}, ...
 * @param samples      how many samples the snapshot took (stuck detection needs 2 or more)
 * @param totalThreads threads in the process
 * @param stuckMeasured true when the snapshot marked stuck threads (several samples); false when
 *                     the groups shown are those waiting on a lock in a single sample
 * @param stuck        the stuck (or lock-waiting) groups, most suspicious first, bounded
 * @param stuckOmitted groups left out by the bound
 * @param graph        the wait-for graph, empty when lock ownership is unknown
 * @param notes        the snapshot's own notes, and what the replay could not read
 */
public record SnapshotView(long callSeq, String time, Integer pid, String runtime, String runtimeVersion, String takenAt,
                           Integer samples, Integer totalThreads, boolean stuckMeasured, List<StuckGroup> stuck,
                           int stuckOmitted, WaitGraph graph, List<String> notes) {

    public String title() {
        StringBuilder sb = new StringBuilder("pid ").append(pid == null ? "?" : pid);
        if (runtime != null) {
            sb.append(" (").append(runtime).append(runtimeVersion == null ? "" : " " + runtimeVersion).append(')');
        }
        if (samples != null) {
            sb.append(", ").append(samples).append(samples == 1 ? " sample" : " samples");
        }
        if (totalThreads != null) {
            sb.append(", ").append(totalThreads).append(" threads");
        }
        return sb.toString();
    }
}
