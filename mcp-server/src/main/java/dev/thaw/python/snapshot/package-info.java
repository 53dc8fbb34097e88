/**
 * The {@code snapshot} operation for CPython processes: samples the reader's thread stacks, adds
 * what the kernel says about each thread and what runs inside them (asyncio tasks, greenlets), and
 * assembles the runtime-neutral model. May use {@code dev.thaw.python}, {@code
 * dev.thaw.python.asyncio}, {@code dev.thaw.python.greenlet}, {@code dev.thaw.snapshot}, {@code
 * dev.thaw.proc} and the base. The table in docs/architecture.md is the rule, and ArchitectureTest
 * enforces it.
 */
package dev.thaw.python.snapshot;
