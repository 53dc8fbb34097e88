/**
 * Reads session logs back, leniently (a damaged log still replays), into a timeline of calls,
 * injections and snapshots. May use {@code dev.thaw.session}, {@code dev.thaw.replay.snapshot} and
 * the base. The table in docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.replay;
