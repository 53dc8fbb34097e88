package dev.thaw.python.inject;

import java.util.List;

/**
 * The innermost frames of one thread, for telling a caller what an armed thread is stuck in.
 * Backed by the snapshot engine when it is available; {@link #NONE} otherwise (the kernel's view —
 * state and system call — is reported either way).
 */
@FunctionalInterface
public interface StackPeek {

    StackPeek NONE = (pid, tid, max) -> List.of();

    /** At most {@code max} frames, innermost first, as {@code function (file:line)}; empty when unknown. */
    List<String> topFrames(int pid, long tid, int max);
}
