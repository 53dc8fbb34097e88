/**
 * The {@code snapshot} operation for JVMs: thread dumps (and virtual threads) taken over the attach
 * client, parsed, joined with the kernel's view of each thread and assembled into the
 * runtime-neutral model. May use {@code dev.thaw.jvm}, {@code dev.thaw.jvm.attach}, {@code
 * dev.thaw.snapshot}, {@code dev.thaw.proc} and the base. The table in docs/architecture.md is the
 * rule, and ArchitectureTest enforces it.
 */
package dev.thaw.jvm.snapshot;
