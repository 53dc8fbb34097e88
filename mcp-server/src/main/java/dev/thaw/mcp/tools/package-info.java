/**
 * The MCP tools: thin adapters ({@code ThawTool}) over one operation each, answering with a view of
 * its record. May use {@code dev.thaw.mcp}, {@code dev.thaw.mcp.view}, the operations below them
 * and the base. The table in docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.mcp.tools;
