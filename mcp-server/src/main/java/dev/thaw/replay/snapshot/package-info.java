/**
 * What a postmortem shows of one recorded snapshot: the view, its stuck groups and wait graph.
 * Plain values and the wait-graph algorithm; depends on no other thaw package than the base. The
 * table in docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.replay.snapshot;
