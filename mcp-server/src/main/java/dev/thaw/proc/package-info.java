/**
 * Raw access to {@code /proc}, the files the kernel generates about processes: stat, status,
 * cmdline, maps, memory, tasks, ELF files, the processes around one, and why ptrace is or is not
 * allowed; {@link dev.thaw.proc.ProcessKey} names a process (pid and start time). It knows nothing
 * about runtimes and nothing about what thaw does with a process: that is {@code dev.thaw.process},
 * which is built on this package. May use only the base {@code dev.thaw}. The table in
 * docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.proc;
