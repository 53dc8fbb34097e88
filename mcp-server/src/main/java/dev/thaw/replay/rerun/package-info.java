/**
 * {@code thaw replay --rerun}: runs the recorded injections of a session again, under the approval
 * policy, and compares their output with the recorded one. May use {@code dev.thaw.replay}, {@code
 * dev.thaw.session}, {@code dev.thaw.session.approval}, {@code dev.thaw.app} and the base. The
 * table in docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.replay.rerun;
