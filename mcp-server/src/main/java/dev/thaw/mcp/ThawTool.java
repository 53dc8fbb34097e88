package dev.thaw.mcp;

import io.modelcontextprotocol.spec.McpSchema;

/**
 * One MCP tool of thaw: its definition and its handler, kept apart from the SDK's plumbing (which
 * {@link ToolDispatcher} owns: timing, errors, the session log).
 */
public interface ThawTool {

    McpSchema.Tool definition();

    /** Runs the tool. Throw {@link dev.thaw.ThawException} for refusals the caller can act on. */
    ToolOutcome call(ToolArguments args, ToolContext context);
}
