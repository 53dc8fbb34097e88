package dev.thaw.mcp;

import io.modelcontextprotocol.server.McpSyncServerExchange;

/**
 * What a tool may use besides its arguments: the exchange with the client (for progress, logging and
 * elicitation), null when the operation runs outside MCP.
 */
public record ToolContext(McpSyncServerExchange exchange, Object progressToken) {
}
