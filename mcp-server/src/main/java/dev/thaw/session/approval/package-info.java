/**
 * The approval policy for injections: when to ask a person, time windows, and the gate that records
 * every decision before anything reaches a target. May use {@code dev.thaw.session}, {@code
 * dev.thaw.catalog} and the base. The table in docs/architecture.md is the rule, and
 * ArchitectureTest enforces it.
 */
package dev.thaw.session.approval;
