package dev.thaw.process;

import dev.thaw.proc.OwnContainer;

import java.util.List;

/**
 * A listing as a caller sees it: bounded to {@code limit} processes, saying how many were left out.
 *
 * @param total   how many processes matched
 * @param omitted how many matched but are not shown (narrow with match, user or runtime)
 * @param hint    when nothing matched and thaw runs in a container: how to see other containers' processes
 */
public record ProcessListView(List<ProcessInfo> processes, int total, int omitted, int scanned, int skipped, String hint) {

    public static final int DEFAULT_LIMIT = 100;

    public static ProcessListView of(ProcessList list, int limit) {
        List<ProcessInfo> all = list.processes();
        List<ProcessInfo> shown = all.size() > limit ? all.subList(0, limit) : all;
        String hint = all.isEmpty() && OwnContainer.inContainer() ? OwnContainer.sharingHint().trim() : null;
        return new ProcessListView(List.copyOf(shown), all.size(), all.size() - shown.size(), list.scanned(), list.skipped(),
                hint);
    }
}
