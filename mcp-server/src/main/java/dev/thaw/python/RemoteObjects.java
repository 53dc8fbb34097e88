package dev.thaw.python;

import dev.thaw.proc.MemoryUnreadableException;
import dev.thaw.proc.ProcessMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads Python objects out of the target: code objects (cached), strings of every kind, bytes.
 * Every object's type is checked by name, so a pointer that a racing target has just repurposed
 * becomes a {@link TornReadException} instead of garbage.
 *
 * <p>Code objects are immutable and cached by address. An address can be reused once the code
 * object is freed; CPython bumps the interpreter's {@code _code_object_generation} on every code
 * deallocation, and {@link #invalidateIf} drops the cache when it moved. The cache belongs to
 * the process ({@link CodeCache}), so later snapshots of the same process start with it; each
 * pass uses the cache of the generation it read, so a reader that saw an older generation never
 * adds to a newer one.
 */
final class RemoteObjects {

    private static final int MAX_STRING_CHARS = 1 << 16;
    private static final int MAX_BYTES = 1 << 20;
    /** One read usually covers a short string's header and characters. */
    private static final int STRING_PROBE = 160;

    private final ProcessMemory mem;
    private final DebugOffsets d;
    private final AtomicReference<CodeCache> shared;
    private CodeCache codes;
    private final Map<Long, String> typeNames = new HashMap<>();

    /** Code objects of one process decoded while its {@code _code_object_generation} had one value. */
    static final class CodeCache {
        /** Beyond this many code objects the cache starts over (a process that churns code). */
        private static final int MAX_CODES = 1 << 16;

        final long generation;
        private final Map<Long, CodeInfo> codes = new ConcurrentHashMap<>();
        private final Map<Long, LocalNames> locals = new ConcurrentHashMap<>();
        /**
         * Qualified type names ({@link PyObjects#typeName}): a class dies with its methods' code
         * objects, which moves the generation, so a reused type address starts a fresh cache.
         */
        final Map<Long, String> qualifiedTypeNames = new ConcurrentHashMap<>();

        CodeCache(long generation) {
            this.generation = generation;
        }
    }

    RemoteObjects(ProcessMemory mem, DebugOffsets d) {
        this(mem, d, new AtomicReference<>());
    }

    /** @param shared the process's code cache, shared by every reader of that process */
    RemoteObjects(ProcessMemory mem, DebugOffsets d, AtomicReference<CodeCache> shared) {
        this.mem = mem;
        this.d = d;
        this.shared = shared;
    }

    /** Call at the start of every pass with the interpreter's {@code _code_object_generation}. */
    void invalidateIf(long codeObjectGeneration) {
        while (true) {
            CodeCache c = shared.get();
            if (c != null && c.generation == codeObjectGeneration) {
                codes = c;
                return;
            }
            CodeCache fresh = new CodeCache(codeObjectGeneration);
            if (c != null && codeObjectGeneration < c.generation) {
                codes = fresh; // we read an older generation than another reader: keep ours private
                return;
            }
            if (shared.compareAndSet(c, fresh)) {
                codes = fresh;
                return;
            }
        }
    }

    /** Qualified type names of this process and code generation (see {@link CodeCache#qualifiedTypeNames}). */
    Map<Long, String> qualifiedTypeNames() {
        return codes == null ? new HashMap<>() : codes.qualifiedTypeNames;
    }

    int cachedCodeObjects() {
        return codes == null ? 0 : codes.codes.size();
    }

    CodeInfo code(long address) {
        if (codes == null) {
            throw new IllegalStateException("invalidateIf was not called");
        }
        Map<Long, CodeInfo> m = codes.codes;
        CodeInfo c = m.get(address);
        if (c != null) {
            return c;
        }
        c = readCode(address);
        if (m.size() >= CodeCache.MAX_CODES) {
            m.clear();
        }
        m.put(address, c);
        return c;
    }

    /** The local variable names of a code object (cached like the code object itself). */
    LocalNames localNames(long code) {
        if (codes == null) {
            throw new IllegalStateException("invalidateIf was not called");
        }
        LocalNames l = codes.locals.get(code);
        if (l == null) {
            l = readLocalNames(code);
            if (codes.locals.size() >= CodeCache.MAX_CODES) {
                codes.locals.clear();
            }
            codes.locals.put(code, l);
        }
        return l;
    }

    private static final int MAX_LOCALS = 4096;

    private LocalNames readLocalNames(long code) {
        ByteBuffer b = read(code, (int) d.code().size());
        requireType(b.getLong((int) d.objects().obType()), "code");
        int argcount = b.getInt((int) d.deep().argcount());
        long namesTuple = b.getLong((int) d.deep().localsplusnames());
        byte[] kinds = bytes(b.getLong((int) d.deep().localspluskinds()));
        ByteBuffer t = read(namesTuple, (int) d.deep().tupleObItem());
        requireType(t.getLong((int) d.objects().obType()), "tuple");
        long n = t.getLong((int) d.deep().tupleObSize());
        if (n < 0 || n > MAX_LOCALS || n != kinds.length || argcount < 0 || argcount > n) {
            throw new TornReadException("code locals");
        }
        String[] names = new String[(int) n];
        if (n > 0) {
            ByteBuffer items = ByteBuffer.wrap(mem.bytes(namesTuple + d.deep().tupleObItem(), (int) n * 8))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                names[i] = string(items.getLong(i * 8));
            }
        }
        return new LocalNames(names, kinds, argcount);
    }

    private CodeInfo readCode(long address) {
        ByteBuffer b = read(address, (int) d.code().size());
        requireType(b.getLong((int) d.objects().obType()), "code");
        long units = b.getLong((int) d.objects().bytesObSize());
        if (units <= 0 || units > 1 << 26) {
            throw new TornReadException("code size " + units);
        }
        String qualname = string(b.getLong((int) d.code().qualname()));
        String filename = string(b.getLong((int) d.code().filename()));
        int firstLine = b.getInt((int) d.code().firstlineno());
        byte[] table = bytes(b.getLong((int) d.code().linetable()));
        return new CodeInfo(qualname, filename, firstLine, table, units);
    }

    /** A {@code str} object's value, any kind (ASCII, Latin-1, UCS-2, UCS-4; compact or legacy). */
    String string(long address) {
        return string(address, MAX_STRING_CHARS, false);
    }

    /** At most {@code maxChars} characters of a {@code str}: a longer string is cut, not refused. */
    String string(long address, int maxChars) {
        return string(address, maxChars, true);
    }

    private String string(long address, int maxChars, boolean cut) {
        if (address == 0) {
            throw new TornReadException("null str");
        }
        ByteBuffer b = read(address, STRING_PROBE);
        requireType(b.getLong((int) d.objects().obType()), "str");
        long fullLength = b.getLong((int) d.unicode().length());
        PyUnicode.Kind kind = PyUnicode.kind(b.getInt((int) d.unicode().state()));
        if (!kind.valid() || fullLength < 0 || fullLength > (cut ? 1L << 40 : MAX_STRING_CHARS)
                || (kind.ascii() && kind.bytesPerChar() != 1)) {
            throw new TornReadException("str header");
        }
        long length = Math.min(fullLength, maxChars);
        int size = (int) length * kind.bytesPerChar();
        long dataOffset = PyUnicode.dataOffset(kind, d.unicode().asciiSize(), d.unicode().compactSize());
        if (dataOffset < 0) {
            // legacy (non-compact) string: the data pointer sits where compact data would start
            long data = b.getLong((int) d.unicode().compactSize());
            return decode(kind, mem.bytes(data, size), (int) length);
        }
        if (dataOffset + size <= b.limit()) {
            byte[] raw = new byte[size];
            b.get((int) dataOffset, raw);
            return decode(kind, raw, (int) length);
        }
        return decode(kind, mem.bytes(address + dataOffset, size), (int) length);
    }

    private static String decode(PyUnicode.Kind kind, byte[] raw, int length) {
        try {
            return PyUnicode.decode(kind, raw, 0, length);
        } catch (IllegalArgumentException e) {
            throw new TornReadException("str data");
        }
    }

    /** A {@code bytes} object's contents. */
    byte[] bytes(long address) {
        ByteBuffer b = read(address, (int) d.objects().bytesObSval());
        requireType(b.getLong((int) d.objects().obType()), "bytes");
        long size = b.getLong((int) d.objects().bytesObSize());
        if (size < 0 || size > MAX_BYTES) {
            throw new TornReadException("bytes size " + size);
        }
        return mem.bytes(address + d.objects().bytesObSval(), (int) size);
    }

    private void requireType(long type, String expected) {
        if (!expected.equals(typeName(type))) {
            throw new TornReadException("expected a " + expected + " object");
        }
    }

    /** The longest {@code tp_name} read: Cython types carry their module path in it. */
    static final int MAX_TP_NAME = 128;

    /**
     * {@code tp_name} of a type object (up to {@value #MAX_TP_NAME} bytes, less where the mapping
     * ends), cached: types do not move.
     */
    String typeName(long type) {
        if (type == 0) {
            return null;
        }
        String name = typeNames.get(type);
        if (name == null) {
            long namePtr = mem.readPointer(type + d.objects().tpName());
            if (namePtr == 0) {
                throw new TornReadException("null type name");
            }
            ByteBuffer b = ByteBuffer.allocate(MAX_TP_NAME);
            int n = mem.readAtMost(namePtr, b);
            if (n == 0) {
                throw new TornReadException("unreadable type name");
            }
            byte[] raw = b.array();
            int end = 0;
            while (end < n && raw[end] != 0) {
                end++;
            }
            name = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
            typeNames.put(type, name);
        }
        return name;
    }

    private ByteBuffer read(long address, int length) {
        if (address == 0 || (address & 7) != 0) {
            throw new TornReadException("bad object pointer");
        }
        try {
            return ByteBuffer.wrap(mem.bytes(address, length)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (MemoryUnreadableException e) {
            // the tail of a short object near the end of a mapping: fall back to an exact-size read
            if (length > 64) {
                return ByteBuffer.wrap(mem.bytes(address, 64)).order(ByteOrder.LITTLE_ENDIAN);
            }
            throw e;
        }
    }
}
