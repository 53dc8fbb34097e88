/**
 * The picocli commands: the same operations as the MCP tools, rendered for a terminal, and {@code
 * serve}, which starts the MCP server. The top layer: may use any package below it that its row in
 * docs/architecture.md lists. The table in docs/architecture.md is the rule, and ArchitectureTest
 * enforces it.
 */
package dev.thaw.cli;
