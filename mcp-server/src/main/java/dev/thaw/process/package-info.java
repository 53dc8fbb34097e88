/**
 * The operations on processes as a user of thaw sees them: discovery (lists processes and
 * recognises their runtimes through {@code RuntimeDetector}s), the doctor (explains what can and
 * cannot be done with a process) and the snapshot service that runs the engines and the findings.
 * Not to be confused with {@code dev.thaw.proc}, the raw {@code /proc} access it is built on. May
 * use {@code dev.thaw.proc}, {@code dev.thaw.snapshot}, {@code dev.thaw.findings}, the engines
 * ({@code python}, {@code python.snapshot}, {@code python.inject}, {@code jvm}, {@code jvm.attach},
 * {@code jvm.snapshot}), {@code dev.thaw.inject} and the base. The table in docs/architecture.md is
 * the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.process;
