package dev.thaw.replay;

import dev.thaw.replay.snapshot.SnapshotView;

import java.nio.file.Path;
import java.util.List;

/**
 * A session log made ready for rendering: who and what, the timeline, the injections with their
 * scripts and outputs, the snapshots with their stuck threads and wait-for graphs, and what could
 * not be read.
 */
public record SessionReplay(Path file, SessionInfo info, List<TimelineEntry> timeline, List<InjectionHistory> injections,
                            List<SnapshotView> snapshots, List<ReadProblem> problems, int recordCount) {

    public List<TimelineEntry.Note> notes() {
        return timeline.stream().filter(e -> e instanceof TimelineEntry.Note).map(e -> (TimelineEntry.Note) e).toList();
    }

    public List<TimelineEntry.Call> calls() {
        return timeline.stream().filter(e -> e instanceof TimelineEntry.Call).map(e -> (TimelineEntry.Call) e).toList();
    }

    /** True when the server recorded an orderly end (no crash, no SIGKILL). */
    public boolean endedCleanly() {
        return info.endedAt() != null;
    }
}
