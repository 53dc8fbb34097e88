/**
 * The base every layer may use: {@link dev.thaw.ThawException} with its {@link dev.thaw.ErrorCode}
 * (every refusal as code, message and fix), {@link dev.thaw.Json} (Jackson 3, the MCP SDK's),
 * {@link dev.thaw.BuildInfo} and {@link dev.thaw.StateDirs} (where thaw keeps its own files).
 * Depends on no other thaw package; the composition root is {@code dev.thaw.app}, not here, so that
 * this package can stay at the bottom. The table in docs/architecture.md is the rule, and
 * ArchitectureTest enforces it.
 */
package dev.thaw;
