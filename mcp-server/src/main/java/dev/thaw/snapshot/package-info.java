/**
 * The runtime-neutral snapshot model both engines fill (threads, stacks, locks, what the threads
 * wait on, and the findings that say what it means), the assembler that turns samples into ranked
 * groups, and the text renderer. May use {@code dev.thaw.proc} and the base; the engines that fill
 * it and the rules that judge it sit above. The table in docs/architecture.md is the rule, and
 * ArchitectureTest enforces it.
 */
package dev.thaw.snapshot;
