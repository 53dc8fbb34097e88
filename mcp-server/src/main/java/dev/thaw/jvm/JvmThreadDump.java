package dev.thaw.jvm;

import java.util.List;
import java.util.Optional;

/**
 * A parsed HotSpot thread dump ({@code Thread.print -l [-e]} / jstack output).
 *
 * @param timestamp         the first line, e.g. {@code 2026-11-25 18:39:25}
 * @param vm                the banner after "Full thread dump", e.g.
 *                          {@code OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1 mixed mode, sharing)}
 * @param threads           every thread in dump order (Java threads, then VM-internal ones)
 * @param reportedDeadlocks HotSpot's own "Found one Java-level deadlock" sections
 */
public record JvmThreadDump(String timestamp, String vm, List<JvmThread> threads,
                            List<ReportedDeadlock> reportedDeadlocks) {

    public JvmThreadDump {
        threads = List.copyOf(threads);
        reportedDeadlocks = List.copyOf(reportedDeadlocks);
    }

    /** The first thread with this name (names need not be unique). */
    public Optional<JvmThread> thread(String name) {
        return threads.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<JvmThread> threadByTid(String tid) {
        return threads.stream().filter(t -> t.tid().equals(tid)).findFirst();
    }

    /** Who waits for whom, and the cycles (deadlocks), computed from the locks in this dump. */
    public WaitForGraph waitForGraph() {
        return WaitForGraph.of(threads);
    }
}
