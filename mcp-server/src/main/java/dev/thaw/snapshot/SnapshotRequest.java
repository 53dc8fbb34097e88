package dev.thaw.snapshot;

import dev.thaw.ThawException;

/**
 * The arguments of {@code snapshot}.
 *
 * @param samples    how many times to read the stacks (1 = one snapshot); at most 50
 * @param intervalMs pause between samples, 1..10000
 * @param thread     only threads whose tid equals this number or whose name contains this text;
 *                   null for all
 * @param maxFrames  frames kept per stack (innermost and outermost kept, the middle cut); 1..10000
 */
public record SnapshotRequest(int samples, int intervalMs, String thread, int maxFrames) {

    public static final int DEFAULT_SAMPLES = 1;
    public static final int DEFAULT_INTERVAL_MS = 200;
    public static final int DEFAULT_MAX_FRAMES = 64;

    public SnapshotRequest {
        if (samples < 1 || samples > 50) {
            throw new ThawException("invalid_argument", "samples must be between 1 and 50, got " + samples + ".",
                    "Use samples=1 for one snapshot, or 3..10 to find stuck threads.");
        }
        if (intervalMs < 1 || intervalMs > 10_000) {
            throw new ThawException("invalid_argument", "interval_ms must be between 1 and 10000, got "
                    + intervalMs + ".", "Use about 200 ms.");
        }
        if (maxFrames < 1 || maxFrames > 10_000) {
            throw new ThawException("invalid_argument", "max_frames must be between 1 and 10000, got "
                    + maxFrames + ".", "Use the default (" + DEFAULT_MAX_FRAMES + ").");
        }
        if (thread != null && thread.isBlank()) {
            thread = null;
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
}
