/**
 * Renders a replayed session as a Markdown or HTML postmortem. May use {@code dev.thaw.replay},
 * {@code dev.thaw.replay.snapshot}, {@code dev.thaw.session}, {@code dev.thaw.catalog} and the
 * base. The table in docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.report;
