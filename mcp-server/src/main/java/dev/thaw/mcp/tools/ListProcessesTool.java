package dev.thaw.mcp.tools;

import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolDefinitions;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolOutcome;
import dev.thaw.mcp.view.ProcessesModel;
import dev.thaw.mcp.view.ViewMap;
import dev.thaw.process.ProcessListText;
import dev.thaw.process.ProcessListView;
import dev.thaw.process.ProcessLister;
import dev.thaw.process.ProcessQuery;
import io.modelcontextprotocol.spec.McpSchema;

/** {@code list_processes}: the Python and JVM processes thaw can look into. */
public final class ListProcessesTool implements ThawTool {

    private final ProcessLister lister;

    public ListProcessesTool(ProcessLister lister) {
        this.lister = lister;
    }

    @Override
    public McpSchema.Tool definition() {
        return ToolDefinitions.readOnly("list_processes", "List processes",
                "List live processes with their runtime (CPython version read from the interpreter's "
                        + "_Py_DebugOffsets, HotSpot Java version), user, start time, container hint, and whether thaw can "
                        + "attach (with the reason when not). By default only Python and JVM processes. Start here to find "
                        + "the pid of a stuck process; then the diagnose_hang prompt has the playbook.");
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        ProcessQuery query = new ProcessQuery(args.optionalString("runtime", "any"), args.optionalString("match", null),
                args.optionalBoolean("regex", false), args.optionalString("user", null));
        int limit = args.optionalInt("limit", ProcessListView.DEFAULT_LIMIT);
        if (limit < 1) {
            throw ToolArguments.invalid("limit", "must be at least 1");
        }
        ProcessListView view = ProcessListView.of(lister.list(query), limit);
        ViewMap model = ProcessesModel.list(view);
        return new ToolOutcome(view, ProcessesModel.listText(model), ProcessListText.summary(view), model);
    }
}
