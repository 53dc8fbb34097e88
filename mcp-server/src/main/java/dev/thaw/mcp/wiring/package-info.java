/**
 * Assembles the MCP server ({@code ThawServer}, {@code SessionSurface}): registers the tools, and
 * bridges the injection engine to the session (listener and approval gate) and to {@code replay
 * --rerun}. May use {@code dev.thaw.mcp}, {@code dev.thaw.mcp.tools}, {@code dev.thaw.app}, the
 * session and replay packages, the operations below and the base. The table in docs/architecture.md
 * is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.mcp.wiring;
