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
                "Read every thread's stack of a live Python 3.14/3.15 process straight from its memory, without its "
                        + "cooperation: works when every thread is blocked in C, when remote debugging is disabled, when the "
                        + "main thread is gone. Per thread: native id, OS name, kernel state and system call, GIL holder, main "
                        + "thread, frames innermost first. Identical stacks are grouped; the most suspicious come first. Take "
                        + "samples>=3 to mark threads whose stack never changed as stuck.",
                "/schemas/snapshot.schema.json");
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        int pid = args.requireInt("pid");
        SnapshotRequest request = SnapshotRequest.of(args.optionalInt("samples", null), args.optionalInt("interval_ms", null),
                args.optionalString("thread", null), args.optionalInt("max_frames", null));
        Snapshot s = snapshots.snapshot(pid, request);
        long stuck = s.groups().stream().flatMap(g -> g.threads().stream()).filter(t -> Boolean.TRUE.equals(t.stuck())).count();
        String summary = s.runtime() + " " + s.runtimeVersion() + ": " + s.shownThreads() + " threads in " + s.groups().size()
                + " stacks" + (s.samples() > 1 ? ", " + stuck + " stuck" : "");
        return new ToolOutcome(s, SnapshotRenderer.text(s), summary);
    }
}
