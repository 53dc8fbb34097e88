package dev.thaw.mcp.tools;

import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolDefinitions;
import dev.thaw.mcp.ToolOutcome;
import dev.thaw.process.SnapshotService;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import io.modelcontextprotocol.spec.McpSchema;

/** {@code snapshot}: the first rung of the ladder — look without touching. */
public final class SnapshotTool implements ThawTool {

    private final SnapshotService snapshots;

    public SnapshotTool(SnapshotService snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public McpSchema.Tool definition() {
        return ToolDefinitions.readOnly("snapshot", "Snapshot stacks",
                "Every thread's stack of a live process, without its cooperation. Python 3.14/3.15: read straight "
                        + "from its memory (works when every thread is blocked in C, when remote debugging is disabled, when "
                        + "the main thread is gone); per thread native id, OS and Python name, kernel state and system call, GIL holder, the Python object a "
                        + "blocked thread waits on (lock, RLock and its owner, queue, Condition), each frame's source line, "
                        + "optionally locals; what the process has loaded (gevent and its monkey-patching, asyncio, ...). "
                        + "JVM: the agent-less attach thread dump with locks held, the lock or parker waited on and its owner, "
                        + "deadlock cycles and the wait-for graph, virtual threads on JDK 21+. Identical stacks are grouped; the "
                        + "most suspicious come first. Take samples>=3 to mark threads whose stack never changed as stuck.",
                "/schemas/snapshot.schema.json");
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        int pid = args.requireInt("pid");
        SnapshotRequest request = SnapshotRequest.of(args.optionalInt("samples", null), args.optionalInt("interval_ms", null),
                args.optionalString("thread", null), args.optionalInt("max_frames", null),
                args.optionalString("source", null), args.optionalBoolean("locals", false),
                args.optionalBoolean("consistent", false));
        Snapshot s = snapshots.snapshot(pid, request);
        long stuck = s.groups().stream().flatMap(g -> g.threads().stream()).filter(t -> Boolean.TRUE.equals(t.stuck())).count();
        String summary = s.runtime() + " " + s.runtimeVersion() + ": " + s.shownThreads() + " threads in " + s.groups().size()
                + " stacks" + (s.samples() > 1 ? ", " + stuck + " stuck" : "");
        return new ToolOutcome(s, SnapshotRenderer.text(s), summary);
    }
}
