package dev.thaw.mcp.tools;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolDefinitions;
import dev.thaw.mcp.ToolOutcome;
import dev.thaw.mcp.view.SnapshotModel;
import dev.thaw.mcp.view.SnapshotModelText;
import dev.thaw.mcp.view.ViewMap;
import dev.thaw.process.SnapshotService;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code snapshot}: the first rung of the ladder — look without touching. */
public final class SnapshotTool implements ThawTool {

    /** Snapshots kept for their cursors: a later page reads the same snapshot, not a new one. */
    private static final int KEPT = 8;

    private final SnapshotService snapshots;
    private final Map<String, Snapshot> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Snapshot> eldest) {
            return size() > KEPT;
        }
    };
    private long taken;

    public SnapshotTool(SnapshotService snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public McpSchema.Tool definition() {
        return ToolDefinitions.readOnly("snapshot", "Snapshot stacks",
                "Every thread's stack of a live Python 3.14+/JVM process, read without its cooperation (works when "
                        + "every thread is blocked); Python adds source lines, thread names, waited-on objects, loaded modules, "
                        + "asyncio tasks, greenlets. Answers with findings first, then groups of threads sharing a stack "
                        + "(most suspicious first; ids as ranges: 5-9, 11-19/2 = every 2nd), per-thread detail only where "
                        + "a thread differs; JVM: locks, deadlocks, wait-for. samples>=3 marks unchanged threads stuck. "
                        + "More stacks: pass the cursor given. New to a hang? The diagnose_hang prompt has the playbook.");
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        int pid = args.requireInt("pid");
        String id;
        int offset = 0;
        Snapshot s;
        String cursor = args.optionalString("cursor", null);
        if (cursor != null) {
            int colon = cursor.lastIndexOf(':');
            id = colon < 0 ? cursor : cursor.substring(0, colon);
            synchronized (kept) {
                s = kept.get(id);
            }
            if (s == null || s.pid() != pid || colon < 0 || !cursor.substring(colon + 1).matches("\\d{1,6}")) {
                throw new ThawException(ErrorCode.UNKNOWN_CURSOR, "Cursor '" + cursor + "' is not one of the last " + KEPT
                        + " snapshots of pid " + pid + ".", "Call snapshot again without cursor for a fresh snapshot.");
            }
            offset = Integer.parseInt(cursor.substring(colon + 1));
        } else {
            SnapshotRequest request = SnapshotRequest.of(args.optionalInt("samples", null), args.optionalInt("interval_ms", null),
                    args.optionalString("thread", null), args.optionalInt("max_frames", null),
                    args.optionalString("source", null), args.optionalBoolean("locals", false),
                    args.optionalBoolean("consistent", false));
            s = snapshots.snapshot(pid, request);
            synchronized (kept) {
                id = "s" + (++taken);
                kept.put(id, s);
            }
        }
        ViewMap view = SnapshotModel.of(s, id, offset);
        long stuck = s.groups().stream().flatMap(g -> g.threads().stream()).filter(t -> Boolean.TRUE.equals(t.stuck())).count();
        String summary = s.runtime() + " " + s.runtimeVersion() + ": " + s.shownThreads() + " threads in " + s.groups().size()
                + " stacks" + (s.samples() > 1 ? ", " + stuck + " stuck" : "") + (offset > 0 ? " (page from " + offset + ")" : "");
        // A later page is not logged again: the log already has the whole record from the first call.
        return new ToolOutcome(cursor != null ? null : s, SnapshotModelText.render(view), summary, view);
    }
}
