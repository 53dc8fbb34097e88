package dev.thaw.replay;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything readable in a session log, and what was not.
 *
 * @param file     the log
 * @param records  the records that parsed, in file order
 * @param problems what was skipped, and why
 */
public record LogContents(Path file, List<LogRecord> records, List<ReadProblem> problems) {

    public LogContents {
        records = List.copyOf(records);
        problems = List.copyOf(problems);
    }

    /** True when the only possible defect is a torn last line (what a crash may leave). */
    public boolean wholeExceptTornTail() {
        return problems.stream().allMatch(p -> p.kind() == ReadProblem.Kind.TORN_TAIL);
    }

    public boolean hasTornTail() {
        return problems.stream().anyMatch(p -> p.kind() == ReadProblem.Kind.TORN_TAIL);
    }
}
