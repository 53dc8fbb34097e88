package dev.thaw.python;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.MapsParser;
import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.ProcessMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PEP 768 delivery written in Java: arms a thread of a live CPython 3.14/3.15 so that it runs a
 * script file at its next safe point (what sys.remote_exec does). No ptrace, no signal, no pause: three small
 * writes into the thread's state through {@code /proc/PID/mem}, in CPython's own order:
 * the path, then {@code debugger_pending_call = 1}, then the please-stop bit in the LOW BYTE of
 * {@code eval_breaker} (the target updates the whole word atomically and its upper bits carry the
 * instrumentation version; one byte is the smallest write that cannot clobber them).
 *
 * <p>Works on the main interpreter (id 0), not {@code interpreters_head}, so a live sub-interpreter
 * does not hide it. Any thread can be armed, not only {@code threads.main} (which may be NULL).
 *
 * <p>Not thread-safe; one instance per delivery. Holds {@code /proc/PID/mem} open until closed.
 */
public final class Pep768Writer implements AutoCloseable {

    /** {@code _PY_EVAL_PLEASE_STOP_BIT}: makes the thread enter {@code _Py_HandlePending} at its next check. */
    public static final int PLEASE_STOP_BIT = 0x20;
    private static final int MAX_THREADS = 100_000;

    /**
     * One thread state of the main interpreter.
     *
     * @param tstate    the address of its {@code PyThreadState}
     * @param nativeTid the Linux TID
     * @param main      it is {@code threads.main}
     * @param hasFrame  it has a current Python frame (it is inside the eval loop, or blocked in C
     *                  called from Python); a thread without one reaches a safe point only through
     *                  {@code PyErr_CheckSignals}
     */
    public record PyThread(long tstate, long nativeTid, boolean main, boolean hasFrame) {
    }

    /**
     * Where a process's runtime and main interpreter are: with it, reopening the same process skips
     * the maps and ELF lookups. Only a hint: every use re-validates it against memory.
     */
    public record Location(long runtime, long interp, byte[] raw, DebugOffsets offsets) {

        public Location(long runtime, long interp) {
            this(runtime, interp, null, null);
        }
    }

    private final int pid;
    private final ProcessMemory mem;
    private final DebugOffsets offsets;
    private final long runtime;
    private final long interp;
    /** The runtime's first {@code STATIC_BYTES} bytes the offsets were decoded from. */
    private final byte[] raw;

    private Pep768Writer(int pid, ProcessMemory mem, DebugOffsets offsets, long runtime, long interp, byte[] raw) {
        this.raw = raw;
        this.pid = pid;
        this.mem = mem;
        this.offsets = offsets;
        this.runtime = runtime;
        this.interp = interp;
    }

    /**
     * Like {@link #open(ProcFs, int)}, but first tries a location found earlier for the same process
     * (same pid and start time: the caller's business). Falls back to the full lookup when the
     * hint does not hold any more.
     */
    public static Pep768Writer open(ProcFs procFs, int pid, Location hint) {
        if (hint != null) {
            ProcessMemory mem = ProcessMemory.open(procFs, pid, ProcessMemory.Mode.READ_WRITE);
            try {
                byte[] raw = mem.bytes(hint.runtime(), PyRuntimeLocator.STATIC_BYTES);
                if (DebugOffsets.hasCookie(raw)) {
                    // The same bytes as when the hint was made: the same offsets, already checked
                    // (decoding them again is most of the cost of reopening a known process).
                    DebugOffsets d = hint.offsets() != null && Arrays.equals(raw, hint.raw()) ? hint.offsets() : null;
                    if (d == null) {
                        refuseUnsupported(pid, DebugOffsets.header(raw));
                        d = DebugOffsets.decode(raw);
                    }
                    if (mem.readLong(hint.interp() + d.interpreter().id()) == 0) {
                        if (mem.readInt(hint.interp() + d.debugger().remoteDebuggingEnabled()) != 1) {
                            throw disabled(pid, d.version());
                        }
                        return new Pep768Writer(pid, mem, d, hint.runtime(), hint.interp(), raw);
                    }
                }
            } catch (ProcessGoneException e) {
                mem.close();
                throw e;
            } catch (ThawException e) {
                if (e.code() != ErrorCode.MEMORY_UNREADABLE && e.code() != ErrorCode.NOT_PYTHON) {
                    mem.close();
                    throw e;
                }
            } catch (RuntimeException e) {
                mem.close();
                throw e;
            }
            mem.close();
        }
        return open(procFs, pid);
    }
    /**
     * Opens the process for delivery and checks that a script can be delivered at all.
     *
     * @throws ThawException with codes {@code not_python},
     *                       {@code unsupported_version} (3.13 and older, free-threaded, ...),
     *                       {@code remote_debug_disabled}, {@code no_interpreter},
     *                       {@code permission_denied} or {@code process_gone}
     */
    public static Pep768Writer open(ProcFs procFs, int pid) {
        List<MemoryMap> maps = MapsParser.read(procFs, pid);
        ProcessMemory mem = ProcessMemory.open(procFs, pid, ProcessMemory.Mode.READ_WRITE);
        try {
            PyRuntimeLocator.Found found = PythonProbe.pickInitialized(mem, PyRuntimeLocator.locate(procFs, pid, maps, mem));
            if (found == null) {
                boolean legacy = PyRuntimeLocator.locate(procFs, pid, maps, null).stream().anyMatch(PyRuntimeLocator.Found::legacy);
                throw legacy ? tooOld(pid, "older than 3.13") : notPython(pid);
            }
            long runtime = found.address();
            DebugOffsets.Header header = DebugOffsets.header(mem.bytes(runtime, DebugOffsets.HEADER_SIZE));
            refuseUnsupported(pid, header);
            byte[] raw = mem.bytes(runtime, PyRuntimeLocator.STATIC_BYTES);
            DebugOffsets d = DebugOffsets.decode(raw);
            long interp = InterpreterWalker.mainInterpreter(mem, runtime, d).orElseThrow(() -> new ThawException(
                    ErrorCode.NO_INTERPRETER, "Process " + pid + " has no running main interpreter (it is starting up or "
                    + "shutting down).", "Retry in a moment; if the process is exiting there is nothing to inject into."));
            if (mem.readInt(interp + d.debugger().remoteDebuggingEnabled()) != 1) {
                throw disabled(pid, header.version());
            }
            return new Pep768Writer(pid, mem, d, runtime, interp, raw);
        } catch (RuntimeException e) {
            mem.close();
            throw e;
        }
    }

    /** Refuses what cannot receive a script: 3.13 and older, unknown layouts, pre-releases, free-threaded builds. */
    static void refuseUnsupported(int pid, DebugOffsets.Header h) {
        PythonVersion v = h.version();
        if (v.major() == 3 && v.minor() < 14) {
            throw tooOld(pid, v.toString());
        }
        if (h.freeThreaded()) {
            throw new ThawException(ErrorCode.UNSUPPORTED_VERSION, "Process " + pid + " runs a free-threaded (no-GIL) build of Python "
                    + v + "; thaw does not inject into free-threaded builds yet.",
                    "Run the program on a regular (GIL) build of CPython 3.14 or 3.15; thaw neither reads nor "
                            + "injects into free-threaded builds yet.");
        }
        String reason = PythonProbe.unsupportedReason(h);
        if (reason != null) {
            throw new ThawException(ErrorCode.UNSUPPORTED_VERSION, "Cannot inject into process " + pid + ": " + reason,
                    "thaw injects into final releases of CPython 3.14 and 3.15 (GIL builds).");
        }
    }

    private static ThawException tooOld(int pid, String version) {
        return new ThawException(ErrorCode.UNSUPPORTED_VERSION, "Process " + pid + " runs Python " + version
                + ", which cannot run injected scripts: PEP 768 remote execution arrived in Python 3.14.",
                "Run the program on CPython 3.14 or 3.15: thaw neither reads nor injects into older versions. "
                        + "For this one, py-spy or the interpreter's faulthandler can dump stacks.");
    }

    private static ThawException notPython(int pid) {
        return new ThawException(ErrorCode.NOT_PYTHON, "Process " + pid + " is not a CPython process thaw can inject into "
                + "(no initialised _PyRuntime found).",
                "Check the pid with list_processes (CLI: thaw ps --runtime cpython).");
    }

    private static ThawException disabled(int pid, PythonVersion v) {
        return new ThawException(ErrorCode.REMOTE_DEBUG_DISABLED, "Remote debugging is disabled in process " + pid
                + " (Python " + v + "), so it will not run injected scripts.",
                "Restart the program with remote debugging enabled: remove PYTHON_DISABLE_REMOTE_DEBUG from its "
                        + "environment and -X disable-remote-debug from its command line (an interpreter built with "
                        + "--without-remote-debug, or an embedder setting PyConfig.remote_debug = 0, cannot be "
                        + "enabled). snapshot still works without it.");
    }

    public int pid() {
        return pid;
    }

    public Location location() {
        return new Location(runtime, interp, raw, offsets);
    }

    /** The open memory of the target, for reading what the armed threads wait on (not for writing). */
    public ProcessMemory memory() {
        return mem;
    }

    public PythonVersion version() {
        return offsets.version();
    }

    /** The longest script path the target accepts, in bytes (511: the buffer holds the NUL too). */
    public int maxPathBytes() {
        return (int) offsets.debugger().scriptPathSize() - 1;
    }

    /**
     * The thread states of the main interpreter, newest first (CPython's list order). The list
     * changes while we walk it (threads start and exit), so a walk that meets anything implausible
     * is retried.
     */
    public List<PyThread> threads() {
        for (int attempt = 1; ; attempt++) {
            try {
                return walkThreads();
            } catch (ProcessGoneException e) {
                throw e;
            } catch (ThawException e) {
                if (attempt >= 5) {
                    throw new ThawException(ErrorCode.INCONSISTENT_READ, "The thread list of process " + pid
                            + " kept changing while thaw read it (" + e.getMessage() + ").",
                            "Retry; if the process is starting up or shutting down, wait until it settles.", e);
                }
            }
        }
    }

    private List<PyThread> walkThreads() {
        long main = mem.readPointer(interp + offsets.interpreter().threadsMain());
        List<PyThread> out = new ArrayList<>();
        long t = mem.readPointer(interp + offsets.interpreter().threadsHead());
        // The four fields needed of each thread state come in one read of the span that holds
        // them (a hundred bytes or so): one pread per thread instead of four.
        DebugOffsets.Thread o = offsets.thread();
        long first = Math.min(Math.min(o.interp(), o.nativeThreadId()), Math.min(o.currentFrame(), o.next()));
        int span = (int) (Math.max(Math.max(o.interp(), o.nativeThreadId()), Math.max(o.currentFrame(), o.next()))
                - first + 8);
        if (first < 0 || span > 1 << 16) {
            throw new ThawException(ErrorCode.UNSUPPORTED_LAYOUT, "Implausible thread state offsets in process " + pid + ".",
                    "Report it with `thaw doctor " + pid + "`.");
        }
        for (int i = 0; t != 0; i++) {
            if (i >= MAX_THREADS || !plausible(t)) {
                throw tornThread(t);
            }
            ByteBuffer ts = mem.view(t + first, span).order(ByteOrder.LITTLE_ENDIAN);
            if (ts.getLong((int) (o.interp() - first)) != interp) {
                throw tornThread(t);
            }
            long tid = ts.getLong((int) (o.nativeThreadId() - first));
            long frame = ts.getLong((int) (o.currentFrame() - first));
            long next = ts.getLong((int) (o.next() - first));
            out.add(new PyThread(t, tid, t == main, frame != 0));
            t = next;
        }
        return out;
    }

    private static ThawException tornThread(long t) {
        return new ThawException(ErrorCode.INCONSISTENT_READ, "thread state 0x" + Long.toHexString(t) + " is not one of the main "
                + "interpreter's", null);
    }

    private static boolean plausible(long address) {
        return address >= 0x10000 && (address & 7) == 0;
    }

    /**
     * Those of {@code wanted} whose thread state is still theirs: still in the interpreter's list,
     * still with the same native id. Checked (one walk) right before writing into them, so that
     * nothing is written into the freed memory of a thread that exited after it was chosen.
     */
    private List<PyThread> stillThere(List<PyThread> wanted) {
        List<PyThread> now = threads();
        return wanted.stream().filter(w -> now.stream().anyMatch(t -> t.tstate() == w.tstate()
                && t.nativeTid() == w.nativeTid())).toList();
    }

    /**
     * Arms threads: each runs the script at {@code path} (a path valid inside the target's root) at
     * its next safe point, unless another one ran it first. Re-arming a thread that has not run
     * yet replaces its path.
     *
     * @return the threads armed: those that had exited since they were listed are left out
     */
    public List<PyThread> arm(List<PyThread> threads, String path) {
        pathBytes(path);
        List<PyThread> live = stillThere(threads);
        for (PyThread t : live) {
            arm(t, path);
        }
        return live;
    }

    /**
     * Like {@link #arm}, for threads taken from a {@link #threads()} walk made just now with nothing
     * slow in between (no /proc reads, no waiting): walking the list again would only add as long
     * a window as it closes.
     */
    public List<PyThread> armJustListed(List<PyThread> threads, String path) {
        pathBytes(path);
        for (PyThread t : threads) {
            arm(t, path);
        }
        return threads;
    }

    private void arm(PyThread thread, String path) {
        byte[] bytes = pathBytes(path);
        long support = thread.tstate() + offsets.debugger().remoteDebuggerSupport();
        byte[] withNul = Arrays.copyOf(bytes, bytes.length + 1);
        mem.writeBytes(support + offsets.debugger().scriptPath(), withNul);
        mem.writeInt(support + offsets.debugger().pendingCall(), 1);
        long breaker = thread.tstate() + offsets.debugger().evalBreaker();
        byte low = mem.readByte(breaker);
        mem.writeByte(breaker, (byte) (low | PLEASE_STOP_BIT));
    }

    /**
     * Takes back armed threads that have not run the script yet: clears the pending flag of each
     * that is still pending with {@code path}. The please-stop bit is left alone: a thread clears
     * it itself at its next check, at the cost of one GIL hand-over.
     *
     * @return how many were still armed with this path (and now are not)
     */
    public int disarm(List<PyThread> threads, String path) {
        int n = 0;
        for (PyThread t : stillThere(threads)) {
            if (disarm(t, path)) {
                n++;
            }
        }
        return n;
    }

    private boolean disarm(PyThread thread, String path) {
        if (!pending(thread, path)) {
            return false;
        }
        long support = thread.tstate() + offsets.debugger().remoteDebuggerSupport();
        mem.writeInt(support + offsets.debugger().pendingCall(), 0);
        return true;
    }

    /** True while the thread is armed with {@code path} and has not picked it up. */
    public boolean pending(PyThread thread, String path) {
        byte[] bytes = pathBytes(path);
        long support = thread.tstate() + offsets.debugger().remoteDebuggerSupport();
        if (mem.readInt(support + offsets.debugger().pendingCall()) != 1) {
            return false;
        }
        byte[] current = mem.bytes(support + offsets.debugger().scriptPath(), bytes.length + 1);
        return current[bytes.length] == 0 && Arrays.equals(Arrays.copyOf(current, bytes.length), bytes);
    }

    /** The thread state is still in the interpreter's list (the thread has not exited). */
    public boolean alive(PyThread thread) {
        try {
            return threads().stream().anyMatch(t -> t.tstate() == thread.tstate() && t.nativeTid() == thread.nativeTid());
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            return false;
        }
    }

    private byte[] pathBytes(String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxPathBytes()) {
            throw pathTooLong(path, bytes.length, maxPathBytes());
        }
        return bytes;
    }

    public static ThawException pathTooLong(String path, int length, int max) {
        return new ThawException(ErrorCode.PATH_TOO_LONG, "The script path " + abbreviate(path) + " is " + length
                + " bytes; PEP 768 accepts at most " + max + ".",
                "Use a shorter temporary directory for the target (thaw writes into the target's /dev/shm or /tmp).");
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 40) + "…" + s.substring(s.length() - 30) : s;
    }

    @Override
    public void close() {
        mem.close();
    }
}
