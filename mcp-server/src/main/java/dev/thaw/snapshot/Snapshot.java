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
 * @param jvm            JVM only: who waits for whom, and the deadlocks; null for other runtimes
 * @param findings       what the snapshot means (dev.thaw.findings), most important first; empty when
 *                       no rule fired
 * @param python         CPython only: what the process has loaded and how it was read; else null
 */
public record Snapshot(int pid, String runtime, String runtimeVersion, String takenAt, int samples, int intervalMs,
                       int totalThreads, int shownThreads, String threadFilter, int maxFrames,
                       List<StackGroup> groups, List<String> notes, JvmLocks jvm, List<Finding> findings,
                       PythonProcessDetail python) {

    public Snapshot {
        findings = findings == null ? List.of() : List.copyOf(findings);
    }

    /** Without runtime-specific parts (the form every engine starts from). */
    public Snapshot(int pid, String runtime, String runtimeVersion, String takenAt, int samples, int intervalMs,
                    int totalThreads, int shownThreads, String threadFilter, int maxFrames,
                    List<StackGroup> groups, List<String> notes) {
        this(pid, runtime, runtimeVersion, takenAt, samples, intervalMs, totalThreads, shownThreads, threadFilter,
                maxFrames, groups, notes, null, List.of(), null);
    }

    public Snapshot withPython(PythonProcessDetail p, List<StackGroup> g) {
        return new Snapshot(pid, runtime, runtimeVersion, takenAt, samples, intervalMs, totalThreads, shownThreads,
                threadFilter, maxFrames, g, notes, jvm, findings, p);
    }

    public Snapshot withJvm(JvmLocks locks) {
        return new Snapshot(pid, runtime, runtimeVersion, takenAt, samples, intervalMs, totalThreads, shownThreads,
                threadFilter, maxFrames, groups, notes, locks, findings, python);
    }

    /** The same snapshot with its groups judged or re-ranked. */
    public Snapshot withGroups(List<StackGroup> g) {
        return new Snapshot(pid, runtime, runtimeVersion, takenAt, samples, intervalMs, totalThreads, shownThreads,
                threadFilter, maxFrames, List.copyOf(g), notes, jvm, findings, python);
    }

    /** The same snapshot with {@code note} first among its notes (a process-wide fact found after the engine read it). */
    public Snapshot withNoteFirst(String note) {
        List<String> n = new java.util.ArrayList<>(notes.size() + 1);
        n.add(note);
        n.addAll(notes);
        return withNotes(n);
    }

    /** The same snapshot with other notes. */
    public Snapshot withNotes(List<String> n) {
        return new Snapshot(pid, runtime, runtimeVersion, takenAt, samples, intervalMs, totalThreads, shownThreads,
                threadFilter, maxFrames, groups, List.copyOf(n), jvm, findings, python);
    }

    public Snapshot withFindings(List<Finding> f) {
        return new Snapshot(pid, runtime, runtimeVersion, takenAt, samples, intervalMs, totalThreads, shownThreads,
                threadFilter, maxFrames, groups, notes, jvm, f, python);
    }
}
