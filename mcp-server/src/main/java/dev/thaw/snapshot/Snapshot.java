package dev.thaw.snapshot;

import java.util.List;

/**
 * The answer of {@code snapshot} / {@code thaw stacks}: every thread of a process, grouped by
 * identical stacks, most suspicious group first. Serializes to JSON as is
 * ({@code schemas/snapshot.schema.json}).
 *
 * @param pid            the process
 * @param runtime        {@code cpython} or {@code jvm}
 * @param runtimeVersion e.g. {@code 3.14.10}
 * @param takenAt        ISO-8601 instant of the first sample
 * @param samples        how many samples were taken
 * @param intervalMs     the pause between samples
 * @param totalThreads   threads in the process's runtime (before the thread filter)
 * @param shownThreads   threads in {@code groups}
 * @param threadFilter   the {@code thread} argument, or null
 * @param maxFrames      the {@code max_frames} argument
 * @param groups         the stacks
 * @param notes          facts about the whole process worth knowing (e.g. remote debugging off,
 *                       sub-interpreters not shown, main thread state NULL)
 */
public record Snapshot(int pid, String runtime, String runtimeVersion, String takenAt, int samples, int intervalMs,
                       int totalThreads, int shownThreads, String threadFilter, int maxFrames,
                       List<StackGroup> groups, List<String> notes) {
}
