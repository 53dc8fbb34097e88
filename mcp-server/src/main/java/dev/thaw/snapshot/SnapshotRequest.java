package dev.thaw.snapshot;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

/**
 * The arguments of {@code snapshot}.
 *
 * @param samples    how many times to read the stacks (1 = one snapshot); at most 50
 * @param intervalMs pause between samples, 1..10000
 * @param thread     only threads whose tid equals this number or whose name contains this text;
 *                   null for all
 * @param maxFrames  frames kept per stack (innermost and outermost kept, the middle cut); 1..10000
 * @param source     Python: {@code none}, {@code line} (each frame's source line, the default) or
 *                   {@code context} (a few lines around it)
 * @param locals     Python: read the locals of each thread's innermost frames (bounded)
 * @param consistent Python: stop the target for the read (a few milliseconds, never left stopped)
 *                   so that a churning process gives one consistent picture
 */
public record SnapshotRequest(int samples, int intervalMs, String thread, int maxFrames, String source,
                              boolean locals, boolean consistent) {

    public static final String SOURCE_NONE = "none";
    public static final String SOURCE_LINE = "line";
    public static final String SOURCE_CONTEXT = "context";

    public SnapshotRequest(int samples, int intervalMs, String thread, int maxFrames) {
        this(samples, intervalMs, thread, maxFrames, SOURCE_LINE, false, false);
    }

    public static final int DEFAULT_SAMPLES = 1;
    public static final int DEFAULT_INTERVAL_MS = 200;
    public static final int DEFAULT_MAX_FRAMES = 64;

    public SnapshotRequest {
        if (samples < 1 || samples > 50) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "samples must be between 1 and 50, got " + samples + ".",
                    "Use samples=1 for one snapshot, or 3..10 to find stuck threads.");
        }
        if (intervalMs < 1 || intervalMs > 10_000) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "interval_ms must be between 1 and 10000, got "
                    + intervalMs + ".", "Use about 200 ms.");
        }
        if (maxFrames < 1 || maxFrames > 10_000) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "max_frames must be between 1 and 10000, got "
                    + maxFrames + ".", "Use the default (" + DEFAULT_MAX_FRAMES + ").");
        }
        if (thread != null && thread.isBlank()) {
            thread = null;
        }
        if (source == null) {
            source = SOURCE_LINE;
        }
        if (!source.equals(SOURCE_NONE) && !source.equals(SOURCE_LINE) && !source.equals(SOURCE_CONTEXT)) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "source must be none, line or context, got \"" + source + "\".",
                    "Use line (the default) for each frame's source line, context for a few lines around it.");
        }
    }

    public static SnapshotRequest defaults() {
        return new SnapshotRequest(DEFAULT_SAMPLES, DEFAULT_INTERVAL_MS, null, DEFAULT_MAX_FRAMES);
    }

    /** Nulls mean "default", so MCP/CLI adapters can pass optional arguments straight through. */
    public static SnapshotRequest of(Integer samples, Integer intervalMs, String thread, Integer maxFrames) {
        return new SnapshotRequest(samples == null ? DEFAULT_SAMPLES : samples,
                intervalMs == null ? DEFAULT_INTERVAL_MS : intervalMs, thread,
                maxFrames == null ? DEFAULT_MAX_FRAMES : maxFrames);
    }

    /** With the Python reading options; nulls mean "default" (source line, no locals, not paused). */
    public static SnapshotRequest of(Integer samples, Integer intervalMs, String thread, Integer maxFrames,
                                     String source, Boolean locals, Boolean consistent) {
        SnapshotRequest r = of(samples, intervalMs, thread, maxFrames);
        return new SnapshotRequest(r.samples(), r.intervalMs(), r.thread(), r.maxFrames(), source,
                Boolean.TRUE.equals(locals), Boolean.TRUE.equals(consistent));
    }
}
