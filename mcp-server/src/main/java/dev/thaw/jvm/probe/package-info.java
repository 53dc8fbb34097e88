/**
 * Java probes: compiled here, delivered into a JVM by the agent jar, run under the injection
 * lifecycle. May use {@code dev.thaw.inject}, {@code dev.thaw.jvm.attach}, {@code dev.thaw.jvm},
 * {@code dev.thaw.proc} and the base. The table in docs/architecture.md is the rule, and
 * ArchitectureTest enforces it.
 */
package dev.thaw.jvm.probe;
