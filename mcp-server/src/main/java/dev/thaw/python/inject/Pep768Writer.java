package dev.thaw.python.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.ProcessMemory;
import dev.thaw.python.DebugOffsets;
import dev.thaw.python.PythonCaches;
import dev.thaw.python.PythonTarget;
import dev.thaw.python.PythonVersion;
import dev.thaw.python.TornReadException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PEP 768 delivery written in Java: arms a thread of a live CPython 3.14/3.15 so that it runs a
 * script file at its next safe point. No ptrace, no signal, no pause: three small
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
    private static final int ATTEMPTS = 5;

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
     * the maps and ELF look-ups. Only a hint: every use re-validates it against memory.
     */
    public record Location(PythonTarget.Location runtime, long interp) {
    }

    private final PythonTarget target;
    private final int pid;
    private final ProcessMemory mem;
    private final DebugOffsets offsets;
    private final long interp;

    private Pep768Writer(PythonTarget target, long interp) {
        this.target = target;
        this.pid = target.pid();
        this.mem = target.memory();
        this.offsets = target.offsets();
        this.interp = interp;
    }

    /**
     * Opens the process for delivery and checks that a script can be delivered at all.
     *
     * @param hint where the runtime and main interpreter were found before in this same process (same
     *             pid and start time: the caller's business), or null
     * @param caches what the owning service keeps between calls (the ELF look-ups of mapped files)
     * @throws ThawException with codes {@code not_python},
     *                       {@code unsupported_version} (3.13 and older, free-threaded, ...), {@code unsupported_layout},
     *                       {@code remote_debug_disabled}, {@code no_interpreter},
     *                       {@code permission_denied} or {@code process_gone}
     */
    public static Pep768Writer open(ProcFs procFs, int pid, Location hint, PythonCaches caches) {
        PythonTarget target = PythonTarget.open(procFs, pid, ProcessMemory.Mode.READ_WRITE,
                PythonTarget.Purpose.INJECT, hint == null ? null : hint.runtime(), caches);
        try {
            long interp = hint != null && hint.runtime() == target.location() && isMain(target, hint.interp())
                    ? hint.interp()
                    : target.mainInterpreter().orElseThrow(() -> new ThawException(ErrorCode.NO_INTERPRETER, "Process " + pid
                    + " has no running main interpreter (it is starting up or shutting down).",
                    "Retry in a moment; if the process is exiting there is nothing to inject into."));
            if (!target.remoteDebuggingEnabled(interp)) {
                throw disabled(pid, target.version());
            }
            return new Pep768Writer(target, interp);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    /** Opens without anything known of the process from before (tests, one-off looks). */
    public static Pep768Writer open(ProcFs procFs, int pid) {
        return open(procFs, pid, null, new PythonCaches());
    }

    /** The interpreter found before is still the main one (id 0); an unreadable one is not. */
    private static boolean isMain(PythonTarget target, long interp) {
        try {
            return target.memory().readLong(interp + target.offsets().interpreter().id()) == 0;
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            return false;
        }
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

    /** The target's checked debug offsets. */
    public DebugOffsets offsets() {
        return offsets;
    }

    /** The address of the target's {@code _PyRuntime}. */
    public long runtime() {
        return target.runtime();
    }

    /** What the owning service keeps between calls. */
    public PythonCaches caches() {
        return target.caches();
    }

    public Location location() {
        return new Location(target.location(), interp);
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
            } catch (ThawException | TornReadException e) {
                if (attempt >= ATTEMPTS) {
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
        DebugOffsets.Thread o = offsets.thread();
        // The four fields needed of each thread state come in one read of the span that holds them
        // (a few hundred bytes): one pread per thread, of the list as it is now.
        int span = (int) (Math.max(Math.max(o.interp(), o.nativeThreadId()), Math.max(o.currentFrame(), o.next())) + 8);
        target.forEachThread(interp, target.threadsHead(interp), span, mem::view, (t, ts) -> {
            int base = ts.position();
            out.add(new PyThread(t, ts.getLong(base + (int) o.nativeThreadId()), t == main,
                    ts.getLong(base + (int) o.currentFrame()) != 0));
        });
        return out;
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
        target.close();
    }
}
