package dev.thaw.cli;

import dev.thaw.Json;
import dev.thaw.app.Services;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code thaw stacks PID}: the same operation as the {@code snapshot} tool. */
@Command(name = "stacks", header = "Read every thread's stack of a live process from outside.", mixinStandardHelpOptions = true,
        description = {"Every thread's stack of a live process, without its cooperation: Python 3.14/3.15 read from its",
            "memory (works when every thread is blocked in C); JVMs through the agent-less attach thread dump, with",
            "locks, deadlock cycles and virtual threads. Same operation as the MCP tool snapshot."})
public final class StacksCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PID", description = "The process.")
    int pid;

    @Option(names = {"-s", "--samples"}, paramLabel = "N", description = "Take N samples; threads whose stack never changed are marked stuck (default 1).")
    Integer samples;

    @Option(names = {"-i", "--interval"}, paramLabel = "MS", description = "Pause between samples in ms (default 200).")
    Integer intervalMs;

    @Option(names = {"-t", "--thread"}, paramLabel = "TID|NAME", description = "Only the thread with this id, or whose name contains NAME.")
    String thread;

    @Option(names = {"-f", "--max-frames"}, paramLabel = "N", description = "Frames kept per stack (default 64).")
    Integer maxFrames;

    @Option(names = "--source", paramLabel = "none|line|context", description = "Python: each frame's source line from the process's own file (line, default), a few lines around it (context), or none.")
    String source;

    @Option(names = "--locals", description = "Python: also show the locals and arguments of each thread's innermost frames (bounded).")
    boolean locals;

    @Option(names = "--consistent", description = "Python: stop the target for the read (a few ms, always resumed) for one consistent picture of a churning process.")
    boolean consistent;

    @Option(names = "--json", description = "Print the structured result (as the snapshot tool returns it).")
    boolean json;

    @Override
    public Integer call() {
        Snapshot s = new Services().snapshots().snapshot(pid, SnapshotRequest.of(samples, intervalMs, thread, maxFrames,
                source, locals, consistent));
        Stdout.stream().print(json ? Json.write(s) + "\n" : SnapshotRenderer.text(s, Integer.MAX_VALUE));
        return 0;
    }
}
