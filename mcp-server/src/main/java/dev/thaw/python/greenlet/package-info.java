/**
 * Reads greenlets and gevent's hub from a CPython process's memory, with the core reader's {@code
 * PythonMemory}. May use {@code dev.thaw.python}, {@code dev.thaw.snapshot}, {@code dev.thaw.proc}
 * and the base. The table in docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.python.greenlet;
