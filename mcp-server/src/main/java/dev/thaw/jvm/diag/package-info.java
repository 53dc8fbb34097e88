/**
 * Agent-less JVM diagnostics over the attach client (the {@code jvm_diagnostic} tool): class
 * histograms and other jcmd commands, parsed and rendered. May use {@code dev.thaw.jvm.attach},
 * {@code dev.thaw.jvm}, {@code dev.thaw.proc} and the base. The table in docs/architecture.md is
 * the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.jvm.diag;
