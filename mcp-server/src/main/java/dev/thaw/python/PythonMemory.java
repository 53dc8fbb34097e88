package dev.thaw.python;

import dev.thaw.proc.MemoryBlockCache;
import dev.thaw.proc.MemoryUnreadableException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessMemory;
import dev.thaw.snapshot.Frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What readers of Python objects outside this package (asyncio tasks, greenlets) need from an open
 * {@link PythonStackReader}: its memory, its debug offsets (decoded and raw, for fields thaw's own
 * table does not name), strings, type names and frames, with the same validation and the code-object
 * cache of the stack reader. Every inconsistency is one public exception, {@link Torn}.
 */
public final class PythonMemory {

    private static final long TAG_MASK = ~3L;

    /** What was read does not hang together: the target changed it meanwhile (or it was never valid). */
    public static final class Torn extends RuntimeException {
        public Torn(String what) {
            super(what, null, false, false);
        }
    }

    /** One thread state of the main interpreter. */
    public record ThreadRef(long tstate, long tid, long threadId) {
    }

    private final PythonTarget target;
    private final ProcessMemory mem;
    private final DebugOffsets d;
    private final RemoteObjects objects;
    /**
     * Reads go through 16 KiB blocks: tasks, coroutines and greenlets are small objects packed into
     * pymalloc pools, so one read serves dozens of them. Readers {@link #forget()} the blocks before
     * a retry, so that a torn structure is read afresh.
     */
    private final MemoryBlockCache blocks;

    PythonMemory(PythonTarget target, RemoteObjects objects) {
        this.target = target;
        this.mem = target.memory();
        this.d = target.offsets();
        this.objects = objects;
        this.blocks = new MemoryBlockCache(mem, 16384);
    }

    /** Drops the blocks read so far: the next reads see the target as it is now. */
    public void forget() {
        blocks.clear();
    }

    public int pid() {
        return target.pid();
    }

    public ProcFs procFs() {
        return target.procFs();
    }

    /** What the owning service keeps between calls. */
    public PythonCaches caches() {
        return target.caches();
    }

    public ProcessMemory mem() {
        return mem;
    }

    public DebugOffsets offsets() {
        return d;
    }

    public int minor() {
        return d.version().minor();
    }

    public long mainInterpreter() {
        return target.mainInterpreter().orElseThrow(() -> new Torn("no main interpreter"));
    }

    /** The main interpreter's thread states, newest first ({@code threads_head}, not {@code threads_main}). */
    public List<ThreadRef> threads(long interp) {
        List<ThreadRef> out = new ArrayList<>();
        try {
            target.forEachThread(interp, readPointer(interp + d.interpreter().threadsHead()), (int) d.thread().size(),
                    blocks::read, (t, ts) ->
                    out.add(new ThreadRef(t, ts.getLong(ts.position() + (int) d.thread().nativeThreadId()),
                            ts.getLong(ts.position() + (int) d.thread().threadId()))));
        } catch (TornReadException | MemoryUnreadableException e) {
            throw new Torn(e.getMessage());
        }
        return out;
    }

    public long readLong(long address) {
        check(address);
        try {
            ByteBuffer b = blocks.read(address, 8);
            return b.getLong(b.position());
        } catch (MemoryUnreadableException e) {
            throw new Torn("unreadable 0x" + Long.toHexString(address));
        }
    }

    public long readPointer(long address) {
        return readLong(address);
    }

    /** {@code length} bytes at {@code address}, little-endian. */
    public ByteBuffer read(long address, int length) {
        check(address);
        try {
            return blocks.read(address, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        } catch (MemoryUnreadableException e) {
            throw new Torn("unreadable 0x" + Long.toHexString(address));
        }
    }

    /**
     * A Python string made safe to encode: a str may hold lone surrogates (names decoded with
     * {@code surrogateescape}, or built from bytes), which UTF-8 cannot carry; each becomes the escape
     * Python's {@code repr} shows (backslash, u, four hex digits).
     */
    public static String printable(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean lone = Character.isHighSurrogate(c) ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
            if (lone && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (sb != null) {
                if (lone) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** User-space addresses only: a torn pointer can hold anything, and the kernel rejects the rest. */
    private static void check(long address) {
        if (address < 4096 || address > 0x7fff_ffff_ffffL) {
            throw new Torn("bad pointer 0x" + Long.toHexString(address));
        }
    }

    /** A {@code str} object's value, any kind; compact strings are read through the blocks. */
    public String string(long address) {
        if (address == 0 || (address & 7) != 0) {
            throw new Torn("bad str pointer");
        }
        ByteBuffer b = read(address, (int) d.unicode().compactSize());
        if (!"str".equals(typeName(b.getLong((int) d.objects().obType())))) {
            throw new Torn("expected a str object");
        }
        long length = b.getLong((int) d.unicode().length());
        PyUnicode.Kind kind = PyUnicode.kind(b.getInt((int) d.unicode().state()));
        long dataOffset = PyUnicode.dataOffset(kind, d.unicode().asciiSize(), d.unicode().compactSize());
        if (!kind.valid() || length < 0 || length > 1 << 16 || dataOffset < 0) {
            try {
                return objects.string(address); // a legacy string, or a header RemoteObjects rejects with its reason
            } catch (TornReadException | MemoryUnreadableException e) {
                throw new Torn(e.getMessage());
            }
        }
        byte[] raw = new byte[(int) length * kind.bytesPerChar()];
        read(address + dataOffset, raw.length == 0 ? 1 : raw.length).get(0, raw, 0, raw.length);
        try {
            return PyUnicode.decode(kind, raw, 0, (int) length);
        } catch (IllegalArgumentException e) {
            throw new Torn("str data");
        }
    }

    /** The {@code tp_name} of an object's type, or null for a null object. */
    public String typeNameOf(long object) {
        if (object == 0) {
            return null;
        }
        return typeName(readPointer(object + d.objects().obType()));
    }

    /** {@code tp_name} of a type (up to 128 bytes: Cython types carry their module path), cached: types do not move. */
    public String typeName(long type) {
        if (type == 0 || (type & 7) != 0) {
            throw new Torn("bad type pointer");
        }
        try {
            return objects.typeName(type);
        } catch (TornReadException | MemoryUnreadableException e) {
            throw new Torn(e.getMessage());
        }
    }

    public long typeFlags(long type) {
        return readLong(type + d.objects().tpFlags());
    }

    /**
     * The one frame at {@code frame} (an interpreter frame, e.g. inside a coroutine), or null
     * when it is not a Python frame (an entry frame, or no code).
     */
    public Frame frame(long frame) {
        ByteBuffer f = read(frame, (int) d.frame().size());
        int owner = f.get((int) d.frame().owner()) & 0xff;
        if (owner > 4) {
            throw new Torn("frame owner " + owner);
        }
        long code = f.getLong((int) d.frame().executable()) & TAG_MASK;
        if (owner >= 3 || code == 0) {
            return null;
        }
        try {
            CodeInfo c = objects.code(code);
            long addrq = (f.getLong((int) d.frame().instrPtr()) - (code + d.code().coCodeAdaptive())) / 2;
            if (addrq < 0 || addrq > c.codeUnits()) {
                throw new Torn("instruction pointer outside its code");
            }
            return c.frameAt(addrq);
        } catch (TornReadException | MemoryUnreadableException e) {
            throw new Torn(e.getMessage());
        }
    }

    /** The frames of a chain starting at {@code firstFrame} with its data-stack chunks, innermost first. */
    public List<Frame> walk(long firstFrame, long firstChunk) {
        List<Frame> out = new ArrayList<>();
        try {
            new FrameWalker(mem, d, objects).walk(firstFrame, firstChunk, out, new ArrayList<>());
        } catch (TornReadException | MemoryUnreadableException | IllegalArgumentException e) {
            throw new Torn(e.getMessage());
        }
        return out;
    }
}
