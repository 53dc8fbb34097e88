package dev.thaw.mcp;

import dev.thaw.app.Services;
import dev.thaw.session.SessionRecorder;

import java.util.List;

/**
 * Extra tools found on the class path through {@link java.util.ServiceLoader}. The shipped jar has
 * none; embedders and the end-to-end tests (which need a tool that goes through the approval gate
 * before the injection engine exists in this build) add theirs by putting a provider on the class path.
 */
public interface ToolExtension {

    List<ThawTool> tools(Context context);

    /** What an extension may use: the operations, the session log, the approval gate. */
    record Context(Services services, SessionRecorder recorder, McpApprovals approvals) {
    }
}
