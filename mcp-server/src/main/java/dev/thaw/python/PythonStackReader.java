package dev.thaw.python;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.MemoryBlockCache;
import dev.thaw.proc.MemoryUnreadableException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.ProcessMemory;
import dev.thaw.proc.ProcessKey;
import dev.thaw.proc.TaskIds;
import dev.thaw.snapshot.Frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads every thread's Python stack out of a live CPython 3.14 or 3.15 process (GIL build) without
 * its cooperation: works when all threads are blocked in C, when remote debugging is disabled,
 * when the main thread state is NULL, and while sub-interpreters exist (it reads the main
 * interpreter, id 0).
 *
 * <p>The target keeps running while we read. Every thread is read, then its
 * {@code current_frame} is read again; if it moved, or anything read was inconsistent, the thread
 * is read again (up to {@link #ATTEMPTS} times). A thread that never settles is reported with
 * {@code complete=false}: its frames are only those that validated.
 *
 * <p>Open once and call {@link #read()} for each sample: code objects stay cached between
 * samples. Not thread-safe.
 */
public final class PythonStackReader implements AutoCloseable {

    static final int ATTEMPTS = 5;

    private final PythonTarget target;
    private final int pid;
    private final ProcFs procFs;
    private final ProcessMemory mem;
    private final DebugOffsets d;
    private final PythonIdentity identity;
    private final RemoteObjects objects;
    private final FrameWalker walker;
    private PyObjects pyObjects;
    /** Whether the process has a PID namespace of its own: its thread ids are not /proc's here. */
    private final boolean pidNested;

    /** Facts about the interpreters found by the last {@link #read()}. */
    public record Interpreters(long mainInterpreter, boolean threadsMainNull, int subInterpreters) {
    }

    private Interpreters lastInterpreters;

    private PythonStackReader(PythonTarget target, PythonIdentity identity,
                              AtomicReference<RemoteObjects.CodeCache> codes, boolean pidNested) {
        this.target = target;
        this.pid = target.pid();
        this.pidNested = pidNested;
        this.procFs = target.procFs();
        this.mem = target.memory();
        this.d = target.offsets();
        this.identity = identity;
        this.objects = new RemoteObjects(mem, d, codes);
        this.walker = new FrameWalker(mem, d, objects);
    }

    /**
     * Opens the process and checks that thaw can read it.
     *
     * @throws ThawException {@code not_python}, {@code unsupported_version}, {@code unsupported_layout},
     *                       {@code permission_denied}, {@code process_gone} (a {@link ProcessGoneException})
     */
    public static PythonStackReader open(int pid) {
        return open(ProcFs.system(), pid, new PythonCaches());
    }

    /** @param caches what is kept of the process between opens (its runtime, code objects, identity) */
    public static PythonStackReader open(ProcFs procFs, int pid, PythonCaches caches) {
        // The runtime never moves during a process's life: remember it per (pid, start time), so
        // repeated snapshots skip /proc/PID/maps (about a millisecond for a process with many
        // thread stacks) and the ELF look-up. The offsets are compared with memory on every open.
        // The decoded code objects are kept with it (see RemoteObjects: valid while the code
        // generation holds).
        ProcessKey key = ProcessKey.of(procFs, pid);
        Known known = caches.readers.get(key);
        PythonTarget target = PythonTarget.open(procFs, pid, ProcessMemory.Mode.READ, PythonTarget.Purpose.READ,
                known == null ? null : known.location(), caches);
        try {
            // exec() keeps the pid and the start time but not the code objects: decoded ones are
            // reused only within one program image (same exec fingerprint).
            byte[] image = execFingerprint(procFs, pid, target.memory());
            boolean sameImage = known != null && known.location() == target.location() && image != null
                    && Arrays.equals(image, known.image());
            if (sameImage && known.identity() != null) {
                return new PythonStackReader(target, known.identity(), known.codes(), known.pidNested());
            }
            AtomicReference<RemoteObjects.CodeCache> codes = sameImage ? known.codes() : new AtomicReference<>();
            PythonIdentity identity = identity(target);
            // The remote-debug flag is fixed at start; until the main interpreter exists it is unknown (null).
            boolean settled = image != null && identity.remoteDebugEnabled() != null;
            // A process's PID namespace is fixed at its start, like the rest of what is kept here.
            boolean pidNested = known != null ? known.pidNested() : procFs.status(pid).inOtherPidNamespace();
            caches.readers.put(key, new Known(target.location(), image, codes, settled ? identity : null, pidNested));
            return new PythonStackReader(target, identity, codes, pidNested);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    /** What the listing says of a process, from the target opened: its version and remote-debug flag. */
    private static PythonIdentity identity(PythonTarget target) {
        Boolean remoteDebug;
        try {
            remoteDebug = target.mainInterpreter().map(target::remoteDebuggingEnabled).orElse(null);
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            remoteDebug = null;
        }
        DebugOffsets d = target.offsets();
        return new PythonIdentity(d.version(), d.freeThreaded(), target.runtime(), remoteDebug, true, null);
    }

    /**
     * What stays true of one process between snapshots: where its runtime is and its debug offsets
     * and, for one program image ({@code image}: see {@link #execFingerprint}), its decoded code
     * objects and its identity (null identity: read it again).
     */
    record Known(PythonTarget.Location location, byte[] image, AtomicReference<RemoteObjects.CodeCache> codes,
                 PythonIdentity identity, boolean pidNested) {

        Known withoutCodeObjects() {
            return new Known(location, image, new AtomicReference<>(), identity, pidNested);
        }
    }

    private static final int AT_RANDOM = 25;

    /**
     * The 16 random bytes the kernel gives every new program image ({@code AT_RANDOM} in the
     * auxiliary vector, on the initial stack): they differ after every exec, even of the same
     * binary at the same addresses. Null when unreadable.
     */
    public static byte[] execFingerprint(ProcFs procFs, int pid, ProcessMemory mem) {
        try {
            ByteBuffer auxv = ByteBuffer.wrap(procFs.readBytes(pid, "auxv")).order(ByteOrder.LITTLE_ENDIAN);
            while (auxv.remaining() >= 16) {
                long type = auxv.getLong();
                long value = auxv.getLong();
                if (type == AT_RANDOM) {
                    return mem.bytes(value, 16);
                }
                if (type == 0) {
                    break;
                }
            }
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            // unreadable: no reuse
        }
        return null;
    }

    public PythonIdentity identity() {
        return identity;
    }

    public int pid() {
        return pid;
    }

    /**
     * How this process's thread ids map to {@code /proc/PID/task} here: the identity unless it runs
     * in a PID namespace of its own (a container), where the map is read afresh (threads come and go).
     */
    public TaskIds taskIds() {
        return pidNested ? TaskIds.read(procFs, pid) : TaskIds.SAME;
    }

    /** Whether the process has a PID namespace of its own (a container): its thread ids are its own. */
    public boolean pidNamespaced() {
        return pidNested;
    }


    /** The object reader of this process (types, strings, dicts, attributes, sys.modules). */
    public PyObjects objects() {
        if (pyObjects == null) {
            pyObjects = new PyObjects(mem, d, objects);
        }
        return pyObjects;
    }

    /** Code object facts for reading a frame's locals: the names and kinds of its localsplus slots. */
    LocalNames localNames(long code) {
        return objects.localNames(code);
    }

    /** The frame a code object and instruction pointer stand for (as the walker decodes it), or null when invalid. */
    Frame frameAt(long code, long instrPtr) {
        CodeInfo c = objects.code(code);
        long addrq = (instrPtr - (code + d.code().coCodeAdaptive())) / 2;
        return addrq < 0 || addrq > c.codeUnits() ? null : c.frameAt(addrq);
    }

    /** The main interpreter's address, as of the last {@link #read()}. */
    public long mainInterpreterAddress() {
        return lastInterpreters == null ? mainInterpreter() : lastInterpreters.mainInterpreter();
    }

    public DebugOffsets offsets() {
        return d;
    }

    /** What thaw keeps between calls, for the readers of this process's objects. */
    public PythonCaches caches() {
        return target.caches();
    }

    /** The memory reader, for statistics ({@link ProcessMemory#readCalls()}). */
    public ProcessMemory memory() {
        return mem;
    }

    /** Object-level access for the readers of asyncio tasks and greenlets (same memory and caches). */
    public PythonMemory pythonMemory() {
        return new PythonMemory(target, objects);
    }

    /** Interpreter facts of the last {@link #read()}, or null before the first. */
    public Interpreters interpreters() {
        return lastInterpreters;
    }

    /** One pass over all threads of the main interpreter, newest thread first (CPython's list order). */
    public List<PyThreadStack> read() {
        for (int attempt = 1; ; attempt++) {
            try {
                return readOnce();
            } catch (TornReadException | MemoryUnreadableException e) {
                if (attempt >= ATTEMPTS) {
                    if (!procFs.exists(pid)) {
                        throw new ProcessGoneException(pid);
                    }
                    throw new ThawException(ErrorCode.INCONSISTENT_READ, "The thread list of process " + pid
                            + " kept changing while thaw read it (" + e.getMessage() + ").",
                            "Retry; if the process is starting up or shutting down, wait until it settles.");
                }
            }
        }
    }

    private List<PyThreadStack> readOnce() {
        long interp = mainInterpreter();
        ByteBuffer in = interpreterFields(interp);
        long threadsHead = in.getLong((int) d.interpreter().threadsHead());
        long threadsMain = in.getLong((int) d.interpreter().threadsMain());
        Gil before = gil(in, 0);
        objects.invalidateIf(in.getLong((int) d.interpreter().codeObjectGeneration()));

        // Thread states tend to be allocated next to each other: read them in 16 KiB blocks.
        MemoryBlockCache states = new MemoryBlockCache(mem, 16384);
        List<PyThreadStack> threads = new ArrayList<>();
        List<Long> currentFrames = new ArrayList<>();
        target.forEachThread(interp, threadsHead, (int) d.thread().size(), states::read, (t, ts) -> {
            currentFrames.add(ts.getLong(ts.position() + (int) d.thread().currentFrame()));
            threads.add(walk(t, ts, before.holds(t), t == threadsMain));
        });

        // In a GIL build only the GIL holder runs Python code. If no other thread took the GIL
        // while we read (same holder, same switch count), only the holder's stack can have moved.
        Gil after = gil(ByteBuffer.wrap(mem.bytes(interp + gilStart(), GIL_SPAN)).order(ByteOrder.LITTLE_ENDIAN),
                gilStart());
        boolean quiet = after.switches() == before.switches() && after.holder() == before.holder();
        for (int i = 0; i < threads.size(); i++) {
            PyThreadStack s = threads.get(i);
            if (quiet && s.complete() && s.tstate() != before.holder()) {
                continue;
            }
            if (!s.complete() || mem.readPointer(s.tstate() + d.thread().currentFrame()) != currentFrames.get(i)) {
                threads.set(i, reread(interp, s.tstate(), after.holds(s.tstate()), s.main()));
            }
        }
        lastInterpreters = new Interpreters(interp, threadsMain == 0, target.interpreterCount() - 1);
        return threads;
    }

    /** One read of a thread's frames from the thread state bytes we already have. */
    private PyThreadStack walk(long tstate, ByteBuffer ts, boolean holdsGil, boolean main) {
        int base = ts.position();
        long tid = ts.getLong(base + (int) d.thread().nativeThreadId());
        long threadId = ts.getLong(base + (int) d.thread().threadId());
        List<Frame> frames = new ArrayList<>();
        List<Long> addresses = new ArrayList<>();
        try {
            walker.walk(ts.getLong(base + (int) d.thread().currentFrame()),
                    ts.getLong(base + (int) d.thread().datastackChunk()), frames, addresses);
            return new PyThreadStack(tstate, tid, threadId, holdsGil, main, List.copyOf(frames), true,
                    List.copyOf(addresses));
        } catch (TornReadException | MemoryUnreadableException e) {
            return new PyThreadStack(tstate, tid, threadId, holdsGil, main, List.copyOf(frames), false,
                    List.copyOf(addresses.subList(0, frames.size())));
        }
    }

    /**
     * Reads a thread again until its {@code current_frame} is the same before and after the walk.
     * A thread that never settles keeps {@code complete=false}: only frames that validated.
     */
    private PyThreadStack reread(long interp, long tstate, boolean holdsGil, boolean main) {
        PyThreadStack last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            ByteBuffer ts = ByteBuffer.wrap(mem.bytes(tstate, (int) d.thread().size())).order(ByteOrder.LITTLE_ENDIAN);
            if (ts.getLong((int) d.thread().interp()) != interp) {
                throw new TornReadException("thread state of another interpreter");
            }
            long current = ts.getLong((int) d.thread().currentFrame());
            last = walk(tstate, ts, holdsGil, main);
            if (last.complete() && mem.readPointer(tstate + d.thread().currentFrame()) == current) {
                return last;
            }
        }
        return new PyThreadStack(last.tstate(), last.tid(), last.threadId(), holdsGil, main, last.frames(), false,
                last.frameAddresses());
    }

    /**
     * The GIL's {@code last_holder}, {@code locked} and {@code switch_number}. CPython's
     * {@code struct _gil_runtime_state} starts {@code interval, last_holder, locked,
     * switch_number}; the debug offsets export {@code last_holder} and {@code locked}, and
     * {@code switch_number} is the next 8-byte word after {@code locked} (3.14 and 3.15). It
     * increments whenever a different thread takes the GIL.
     */
    private record Gil(long holder, boolean locked, long switches) {
        boolean holds(long tstate) {
            return locked && holder == tstate;
        }
    }

    private static final int GIL_SPAN = 32;

    private long gilStart() {
        return Math.min(d.interpreter().gilHolder(), d.interpreter().gilLocked());
    }

    private Gil gil(ByteBuffer b, long bufferStart) {
        long locked = d.interpreter().gilLocked() - bufferStart;
        return new Gil(b.getLong((int) (d.interpreter().gilHolder() - bufferStart)), b.getInt((int) locked) != 0,
                b.getLong((int) locked + 8));
    }

    /** The span of PyInterpreterState holding every field we need, in one read. */
    private ByteBuffer interpreterFields(long interp) {
        DebugOffsets.Interpreter o = d.interpreter();
        long end = Math.max(Math.max(o.threadsHead(), o.threadsMain()), Math.max(o.gilHolder(),
                Math.max(o.gilLocked() + 8, o.codeObjectGeneration()))) + 8;
        if (end > 1 << 20) {
            throw new ThawException(ErrorCode.UNSUPPORTED_LAYOUT, "Implausible interpreter offsets in process " + pid + ".",
                    "Report it with `thaw doctor " + pid + "`.");
        }
        return ByteBuffer.wrap(mem.bytes(interp, (int) end)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private long mainInterpreter() {
        return target.mainInterpreter().orElseThrow(() -> new ThawException(
                ErrorCode.NO_INTERPRETER, "Process " + pid + " has no main interpreter (it is starting up or shutting "
                + "down).", "Retry in a moment."));
    }

    @Override
    public void close() {
        target.close();
    }
}
