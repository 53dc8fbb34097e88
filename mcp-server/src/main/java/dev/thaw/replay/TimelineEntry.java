package dev.thaw.replay;

import java.util.Map;

/** One line of the postmortem's timeline, in log order. */
public sealed interface TimelineEntry {

    long seq();

    String time();

    /**
     * A tool call.
     *
     * @param inFlight      the call started but its end is not in the log (the server died during it)
     * @param snapshotIndex index into {@link SessionReplay#snapshots()} when the call was a snapshot
     */
    record Call(long seq, String time, Long call, String tool, Map<String, Object> arguments, Boolean ok,
                String summary, String error, String errorMessage, Double durationMs, boolean inFlight,
                Integer snapshotIndex) implements TimelineEntry {
    }

    /** A hypothesis, finding or conclusion of the assistant. */
    record Note(long seq, String time, String kind, String text) implements TimelineEntry {
    }

    /** Something that happened to an injection: queued, decided, a status change. */
    record InjectionEvent(long seq, String time, String injectionId, String what) implements TimelineEntry {
    }
}
