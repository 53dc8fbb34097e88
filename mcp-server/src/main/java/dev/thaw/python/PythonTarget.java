package dev.thaw.python;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.MapsParser;
import dev.thaw.proc.MemoryBlockCache;
import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.ProcessMemory;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One live CPython process, opened: where its {@code _PyRuntime} is, its checked debug offsets,
 * its main interpreter and its thread list. The one place that locates and validates a target;
 * the stack reader and the PEP 768 writer both start here. Opening refuses, with the cause and
 * the fix, what thaw cannot work with: not CPython, too old, a layout thaw does not have, a
 * free-threaded build, offsets that do not fit ({@link DebugOffsetsCheck}).
 *
 * <p>Holds {@code /proc/PID/mem} open until closed. Not thread-safe.
 */
public final class PythonTarget implements AutoCloseable {

    /** Guards against a corrupted or racing thread list turning into an endless loop. */
    public static final int MAX_THREADS = 100_000;

    /** What the caller means to do: the refusals say what cannot be done, and what to do instead. */
    public enum Purpose {
        /** Read stacks and objects ({@code snapshot}). */
        READ,
        /** Deliver a script through PEP 768 ({@code inject_script}). */
        INJECT
    }

    /**
     * Where a process's runtime is and the debug offsets decoded there: with it, reopening the same
     * process (same pid and start time: the caller's business) skips the maps and ELF look-ups and
     * the decoding. Only a hint: each use compares {@code raw} with the target's memory.
     *
     * @param raw the {@link DebugField#structSize} bytes at {@code runtime} the offsets were decoded from
     */
    public record Location(long runtime, byte[] raw, DebugOffsets offsets) {
    }

    private final ProcFs procFs;
    private final int pid;
    private final ProcessMemory mem;
    private final Location location;
    private final PythonCaches caches;

    private PythonTarget(ProcFs procFs, int pid, ProcessMemory mem, Location location, PythonCaches caches) {
        this.caches = caches;
        this.procFs = procFs;
        this.pid = pid;
        this.mem = mem;
        this.location = location;
    }

    /**
     * Opens the process and checks that thaw can work with it for {@code purpose}.
     *
     * @param hint   where the runtime was found before in this same process, or null
     * @param caches what thaw keeps between calls (the ELF look-ups of mapped files)
     * @throws ThawException {@code not_python}, {@code unsupported_version} (older than 3.14 or free-threaded
     *                       when injecting, its refusal saying so), {@code unsupported_layout},
     *                       {@code permission_denied}, {@code process_gone} (a {@link ProcessGoneException})
     */
    public static PythonTarget open(ProcFs procFs, int pid, ProcessMemory.Mode mode, Purpose purpose, Location hint,
                                    PythonCaches caches) {
        ProcessMemory mem = ProcessMemory.open(procFs, pid, mode);
        try {
            long runtime;
            if (hint != null) {
                byte[] raw = bytesQuietly(mem, hint.runtime(), hint.raw().length);
                if (raw != null && Arrays.equals(raw, hint.raw())) {
                    // The same bytes as when the hint was made: the same offsets, already checked
                    // (decoding them again is most of the cost of reopening a known process).
                    return new PythonTarget(procFs, pid, mem, hint, caches);
                }
                runtime = raw != null && DebugOffsets.hasCookie(raw) ? hint.runtime() : locate(procFs, pid, mem, purpose, caches);
            } else {
                runtime = locate(procFs, pid, mem, purpose, caches);
            }
            DebugOffsets.Header header = DebugOffsets.header(mem.bytes(runtime, DebugOffsets.HEADER_SIZE));
            refuseUnsupported(pid, header, purpose);
            byte[] raw = mem.bytes(runtime, DebugField.structSize(header.version().minor()));
            return new PythonTarget(procFs, pid, mem, new Location(runtime, raw, DebugOffsets.decode(raw)), caches);
        } catch (RuntimeException e) {
            mem.close();
            throw e;
        }
    }

    private static long locate(ProcFs procFs, int pid, ProcessMemory mem, Purpose purpose, PythonCaches caches) {
        List<MemoryMap> maps = MapsParser.read(procFs, pid);
        PyRuntimeLocator.Found found = PythonProbe.pickInitialized(mem, PyRuntimeLocator.locate(procFs, pid, maps, mem, caches));
        if (found != null) {
            return found.address();
        }
        boolean legacy = PyRuntimeLocator.locate(procFs, pid, maps, null, caches).stream()
                .anyMatch(PyRuntimeLocator.Found::legacy);
        if (legacy) {
            throw purpose == Purpose.INJECT ? tooOld(pid, "older than 3.13")
                    : unsupported(pid, purpose, "CPython older than 3.13 (no _Py_DebugOffsets in the binary)");
        }
        throw new ThawException(ErrorCode.NOT_PYTHON, "Process " + pid + " is not a CPython process: no python binary or "
                + "libpython with an initialised _PyRuntime is mapped.",
                "Pick a Python process from list_processes (CLI: thaw ps --runtime cpython).");
    }

    /** Refuses what {@code purpose} cannot work with: before 3.14, unknown layouts, pre-releases, free-threaded builds. */
    public static void refuseUnsupported(int pid, DebugOffsets.Header h, Purpose purpose) {
        PythonVersion v = h.version();
        if (purpose == Purpose.INJECT) {
            if (v.major() == 3 && v.minor() < 14) {
                throw tooOld(pid, v.toString());
            }
            if (h.freeThreaded()) {
                throw new ThawException(ErrorCode.UNSUPPORTED_VERSION, "Process " + pid + " runs a free-threaded (no-GIL) build of "
                        + "Python " + v + "; thaw does not inject into free-threaded builds yet.",
                        "Run the program on a regular (GIL) build of CPython 3.14 or 3.15; thaw neither reads nor "
                                + "injects into free-threaded builds yet.");
            }
        }
        String reason = PythonProbe.unsupportedReason(h);
        if (reason != null) {
            throw unsupported(pid, purpose, reason);
        }
    }

    private static ThawException unsupported(int pid, Purpose purpose, String reason) {
        if (purpose == Purpose.INJECT) {
            return new ThawException(ErrorCode.UNSUPPORTED_VERSION, "Cannot inject into process " + pid + ": " + reason,
                    "thaw injects into final releases of CPython 3.14 and 3.15 (GIL builds).");
        }
        return new ThawException(ErrorCode.UNSUPPORTED_VERSION, "Cannot read the stacks of process " + pid + ": " + reason,
                "Run the program under CPython 3.14 or 3.15 (final release, default GIL build). For other "
                        + "versions, py-spy or the interpreter's own faulthandler can dump stacks.");
    }

    private static ThawException tooOld(int pid, String version) {
        return new ThawException(ErrorCode.UNSUPPORTED_VERSION, "Process " + pid + " runs Python " + version
                + ", which cannot run injected scripts: PEP 768 remote execution arrived in Python 3.14.",
                "Run the program on CPython 3.14 or 3.15: thaw neither reads nor injects into older versions. "
                        + "For this one, py-spy or the interpreter's faulthandler can dump stacks.");
    }

    private static byte[] bytesQuietly(ProcessMemory mem, long address, int length) {
        try {
            return mem.bytes(address, length);
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            return null;
        }
    }

    public int pid() {
        return pid;
    }

    public ProcFs procFs() {
        return procFs;
    }

    public ProcessMemory memory() {
        return mem;
    }

    public long runtime() {
        return location.runtime();
    }

    public DebugOffsets offsets() {
        return location.offsets();
    }

    public PythonVersion version() {
        return location.offsets().version();
    }

    public Location location() {
        return location;
    }

    /** What thaw keeps between calls, for the readers working on this target. */
    public PythonCaches caches() {
        return caches;
    }

    /** The main interpreter (id 0), or empty while the process starts up or shuts down. */
    public Optional<Long> mainInterpreter() {
        return InterpreterWalker.mainInterpreter(mem, runtime(), offsets());
    }

    /** How many interpreters the runtime lists, the main one included. */
    public int interpreterCount() {
        return InterpreterWalker.count(mem, runtime(), offsets());
    }

    /** Whether PEP 768 remote debugging is enabled in the interpreter at {@code interp}. */
    public boolean remoteDebuggingEnabled(long interp) {
        return mem.readInt(interp + offsets().debugger().remoteDebuggingEnabled()) == 1;
    }

    /** How {@link #forEachThread} reads thread states: a buffer positioned at {@code address}. */
    @FunctionalInterface
    public interface ThreadStates {
        ByteBuffer read(long address, int length);
    }

    /** One thread state met by {@link #forEachThread}. */
    @FunctionalInterface
    public interface ThreadVisitor {
        /**
         * @param state the thread state's first bytes (as many as asked), from {@code state.position()} on
         */
        void visit(long tstate, ByteBuffer state);
    }

    /**
     * Walks the thread states of interpreter {@code interp} from {@code head} (its
     * {@code threads.head}), newest first: CPython's list order. The list changes while it is walked
     * (threads start and exit): a pointer that cannot be a thread state, a state of another
     * interpreter or a list longer than {@link #MAX_THREADS} is a {@link TornReadException}, for the
     * caller to retry.
     *
     * @param length how many bytes of each thread state the visitor needs (at most
     *               {@code thread_state.size}; at least up to {@code next} and {@code interp})
     * @param states how they are read: a {@link MemoryBlockCache} when the whole states are wanted
     *               (they tend to be allocated next to each other), single reads for a few fields
     */
    public void forEachThread(long interp, long head, int length, ThreadStates states, ThreadVisitor visitor) {
        DebugOffsets.Thread o = offsets().thread();
        int size = (int) Math.min(length, o.size());
        if (Math.max(o.interp(), o.next()) + 8 > size) {
            throw new IllegalArgumentException("read at least up to thread_state.next and .interp");
        }
        long t = head;
        for (int i = 0; t != 0; i++) {
            if (i >= MAX_THREADS || t < 0x10000 || (t & 7) != 0) {
                throw new TornReadException("thread list at 0x" + Long.toHexString(t));
            }
            ByteBuffer ts = states.read(t, size);
            int base = ts.position();
            if (ts.getLong(base + (int) o.interp()) != interp) {
                throw new TornReadException("thread state 0x" + Long.toHexString(t) + " of another interpreter");
            }
            visitor.visit(t, ts);
            t = ts.getLong(base + (int) o.next());
        }
    }

    /** The {@code threads.head} of {@code interp}, read now. */
    public long threadsHead(long interp) {
        return mem.readPointer(interp + offsets().interpreter().threadsHead());
    }

    @Override
    public void close() {
        mem.close();
    }
}
