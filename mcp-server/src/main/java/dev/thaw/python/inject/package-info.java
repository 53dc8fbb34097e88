/**
 * Delivers Python scripts into CPython 3.14+ processes through PEP 768 (the remote debugger hook),
 * as a runtime of the injection lifecycle. May use {@code dev.thaw.inject}, {@code
 * dev.thaw.python}, {@code dev.thaw.snapshot}, {@code dev.thaw.proc} and the base. The table in
 * docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.python.inject;
