package dev.thaw.python;

import dev.thaw.ThawException;
import dev.thaw.proc.MapsParser;
import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.ProcessMemory;

import java.util.List;
import java.util.Optional;

/**
 * Tells whether a process is CPython and which one, cheaply enough to run on every process of a
 * listing: it reads {@code /proc/PID/maps}, opens the ELF headers of candidate files only, and
 * reads a few hundred bytes of memory.
 *
 * <p>Policy for old interpreters: a binary with no debug-offsets cookie but exporting the CPython C
 * API ({@code PyEval_EvalCode}) is reported as CPython with a null version ("older than 3.13").
 * The version is never guessed from a file name.
 */
public final class PythonProbe {

    private PythonProbe() {
    }

    /**
     * @return empty when the process is not CPython at all
     * @throws ProcessGoneException when the pid does not exist
     * @throws ThawException        {@code permission_denied} when even its memory map is unreadable
     */
    public static Optional<PythonIdentity> identify(int pid) {
        return identify(ProcFs.system(), pid, new PythonCaches());
    }

    /** @param caches where what was read of the process's files is kept for next time */
    public static Optional<PythonIdentity> identify(ProcFs procFs, int pid, PythonCaches caches) {
        List<MemoryMap> maps = MapsParser.read(procFs, pid);
        // Static look first (files only): most processes are not Python and never get their memory opened.
        List<PyRuntimeLocator.Found> onDisk = PyRuntimeLocator.locate(procFs, pid, maps, null, caches);
        // A python file we could not open (deleted, or in a mount namespace we cannot see without
        // CAP_SYS_ADMIN) still gets a look at memory, where the cookie scan can find the runtime.
        boolean unopenedPython = onDisk.isEmpty()
                && maps.stream().anyMatch(m -> m.isFile() && m.basename().contains("python"));
        if (onDisk.isEmpty() && !unopenedPython) {
            return Optional.empty();
        }
        if (!onDisk.isEmpty() && onDisk.get(0).legacy()) {
            return Optional.of(legacy());
        }
        ProcessMemory mem;
        try {
            mem = ProcessMemory.open(procFs, pid, ProcessMemory.Mode.READ);
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            return onDisk.stream().filter(f -> !f.legacy()).findFirst().map(PythonProbe::fromDisk);
        }
        try (mem) {
            List<PyRuntimeLocator.Found> live = PyRuntimeLocator.locate(procFs, pid, maps, mem, caches);
            PyRuntimeLocator.Found best = pickInitialized(mem, live);
            if (best == null) {
                return live.stream().filter(PyRuntimeLocator.Found::legacy).findFirst().map(f -> legacy());
            }
            return Optional.of(fromMemory(mem, best.address()));
        }
    }

    /**
     * Of several runtimes (a second libpython loaded through ctypes has its own, never initialised),
     * the first one with an interpreter wins; failing that, the first.
     */
    static PyRuntimeLocator.Found pickInitialized(ProcessMemory mem, List<PyRuntimeLocator.Found> found) {
        PyRuntimeLocator.Found first = null;
        for (PyRuntimeLocator.Found f : found) {
            if (f.legacy()) {
                continue;
            }
            if (first == null) {
                first = f;
            }
            try {
                // interpreters_head's position (40) is the same in 3.13, 3.14 and 3.15.
                long headOffset = mem.readLong(f.address() + 40);
                if (headOffset > 0 && headOffset < 1 << 24 && mem.readPointer(f.address() + headOffset) != 0) {
                    return f;
                }
            } catch (ProcessGoneException e) {
                throw e;
            } catch (ThawException e) {
                // unreadable: keep looking
            }
        }
        return first;
    }

    static PythonIdentity fromMemory(ProcessMemory mem, long runtime) {
        byte[] header = mem.bytes(runtime, DebugOffsets.HEADER_SIZE);
        DebugOffsets.Header h = DebugOffsets.header(header);
        String unsupported = unsupportedReason(h);
        Boolean remoteDebug = null;
        if (DebugField.hasLayout(h.version().minor())) {
            try {
                DebugOffsets d = DebugOffsets.decode(mem.bytes(runtime, DebugField.structSize(h.version().minor())));
                remoteDebug = InterpreterWalker.mainInterpreter(mem, runtime, d)
                        .map(interp -> mem.readInt(interp + d.debugger().remoteDebuggingEnabled()) == 1)
                        .orElse(null);
            } catch (ProcessGoneException e) {
                throw e;
            } catch (ThawException e) {
                if (unsupported == null) {
                    unsupported = e.getMessage();
                }
            }
        }
        return new PythonIdentity(h.version(), h.freeThreaded(), runtime, remoteDebug, true, unsupported);
    }

    private static PythonIdentity fromDisk(PyRuntimeLocator.Found f) {
        DebugOffsets.Header h = DebugOffsets.header(f.staticBytes());
        return new PythonIdentity(h.version(), h.freeThreaded(), f.address(), null, false, unsupportedReason(h));
    }

    private static PythonIdentity legacy() {
        return new PythonIdentity(null, false, 0, null, false,
                "CPython older than 3.13 (no _Py_DebugOffsets in the binary): thaw reads CPython 3.14 and 3.15.");
    }

    /** Null when {@code snapshot} supports the interpreter: 3.14 or 3.15 final release, GIL build. */
    public static String unsupportedReason(DebugOffsets.Header h) {
        PythonVersion v = h.version();
        if (v.major() != 3 || v.minor() < 14) {
            return "Python " + v + " is older than 3.14: thaw reads CPython 3.14 and 3.15 (3.13 has no PEP 768 "
                    + "remote debugging support).";
        }
        if (!DebugField.hasLayout(v.minor())) {
            return "Python " + v + " is newer than thaw knows: thaw has memory layouts for 3.14 and 3.15 only.";
        }
        if (!v.isFinal()) {
            return "Python " + v + " is a pre-release: its memory layout may differ from the final 3." + v.minor()
                    + " layout thaw carries, so thaw refuses to guess.";
        }
        if (h.freeThreaded()) {
            return "Python " + v + " is a free-threaded (no-GIL) build: thaw does not support free-threaded "
                    + "builds yet.";
        }
        return null;
    }
}
