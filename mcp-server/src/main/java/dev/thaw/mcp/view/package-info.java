/**
 * What a model receives: each tool's compact view of its record (conclusions first, facts stated
 * once, ranges, cursors) and the text rendered from that view; the session log keeps the full
 * record. May use the records' packages ({@code proc}, {@code snapshot}, {@code findings}, {@code
 * process}, {@code inject}, {@code jvm.diag}, {@code catalog}) and the base. The table in
 * docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.mcp.view;
