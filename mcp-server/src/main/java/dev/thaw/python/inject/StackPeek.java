package dev.thaw.python.inject;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The innermost frames of some threads, for telling a caller what an armed thread is stuck in.
 * {@link SnapshotStackPeek} reads them from memory like {@code snapshot}; {@link #NONE} reports
 * nothing (the kernel's view — state and system call — is reported either way).
 */
@FunctionalInterface
public interface StackPeek {

    StackPeek NONE = (pid, tids, max) -> Map.of();

    /**
     * At most {@code max} frames per thread, innermost first, as {@code function (file:line)}; threads
     * that could not be read are missing from the map. Never throws for an unreadable process.
     */
    Map<Long, List<String>> topFrames(int pid, Collection<Long> tids, int max);
}
