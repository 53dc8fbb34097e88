/**
 * The reasoning layer: each group's activity (running, waiting, idle, stuck) and the rules that say
 * what a snapshot means, as findings with evidence, fix and next calls; run by the snapshot service
 * for both runtimes. May use {@code dev.thaw.snapshot}, {@code dev.thaw.proc} and the base; the
 * finding types themselves belong to the snapshot model. The table in docs/architecture.md is the
 * rule, and ArchitectureTest enforces it.
 */
package dev.thaw.findings;
