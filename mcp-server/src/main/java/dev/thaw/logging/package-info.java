/**
 * Logback configured in code: stderr and the rolling log file, never stdout (in {@code thaw serve}
 * stdout carries the MCP protocol). Depends on no other thaw package. The table in
 * docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.logging;
