/**
 * The pure-Java CPython reader: locates {@code .PyRuntime}, checks the version, decodes {@code
 * _Py_DebugOffsets}, walks interpreters, threads and frames, and reads objects, locals, sources and
 * modules from another process's memory. May use {@code dev.thaw.proc}, {@code dev.thaw.snapshot}
 * (the frames it fills) and the base; the asyncio and greenlet readers and the snapshot are built
 * on it. The table in docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.python;
