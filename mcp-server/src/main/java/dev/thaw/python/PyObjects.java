package dev.thaw.python;

import dev.thaw.proc.MemoryBlockCache;
import dev.thaw.proc.MemoryUnreadableException;
import dev.thaw.proc.ProcessMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads Python objects of a live CPython 3.14/3.15 process from outside: an object's type and its
 * name, {@code str}/{@code int}/{@code float} values, dicts (combined and split), instance
 * attributes (inline values, managed dicts, {@code tp_dictoffset}), module globals and
 * {@code sys.modules}, and a short bounded rendering of any object.
 *
 * <p>Contracts: the target is never written; every read is bounded (strings, containers and
 * entry tables have caps; nothing is followed recursively); every pointer is checked to be aligned
 * and every object's type to be what the caller expects. Anything inconsistent is a
 * {@link TornReadException} and unreadable memory a {@link MemoryUnreadableException}: the object
 * changed or was freed while we read, and the caller decides whether to retry or to mark its
 * result incomplete. Reads go through one block cache per pass ({@link #newPass()}): objects
 * allocated near each other (a dict's keys, a class's instances) cost one read.
 *
 * <p>Layout facts used beyond {@code _Py_DebugOffsets} (identical in 3.14 and 3.15, checked on live
 * 3.14.10 and 3.15.2 processes): {@code PyTypeObject.tp_basicsize} at 32, {@code tp_dict} at 264;
 * {@code ht_qualname} one word before {@code ht_cached_keys}; a managed dict pointer 3 words before
 * the object; inline values ({@code PyDictValues}: capacity, size, embedded, valid bytes, then the
 * values) at {@code tp_basicsize}; dict keys ({@code PyDictKeysObject}): log2 size at 8, log2 index
 * bytes at 9, kind at 10, entry count at 24, indices at 32; {@code PyModuleObject.md_dict} at 16;
 * {@code PyCellObject.ob_ref} at 16; a bound C function's {@code m_ml} at 16, {@code m_self} at 24.
 */
public final class PyObjects {

    /** Py_TPFLAGS_INLINE_VALUES, Py_TPFLAGS_MANAGED_DICT, Py_TPFLAGS_HEAPTYPE, Py_TPFLAGS_*_SUBCLASS. */
    static final long INLINE_VALUES = 1L << 2;
    static final long MANAGED_DICT = 1L << 4;
    static final long HEAPTYPE = 1L << 9;
    static final long LONG_SUBCLASS = 1L << 24;
    static final long TUPLE_SUBCLASS = 1L << 26;
    static final long UNICODE_SUBCLASS = 1L << 28;
    static final long DICT_SUBCLASS = 1L << 29;

    private static final int TP_BASICSIZE = ObjectLayout.TP_BASICSIZE;
    private static final int TP_DICT = ObjectLayout.TP_DICT;
    private static final int MD_DICT = ObjectLayout.MD_DICT;
    private static final int MANAGED_DICT_OFFSET = ObjectLayout.MANAGED_DICT_OFFSET;
    /** Entries read from one dict at most: sys.modules of a big application has a few thousand. */
    public static final int MAX_DICT_ENTRIES = 1 << 14;
    private static final int MAX_TYPE_NAME = 160;

    private final ProcessMemory mem;
    private final DebugOffsets d;
    private final RemoteObjects strings;
    private MemoryBlockCache cache;
    private final Map<Long, Long> typeFlags = new HashMap<>();
    /** Attribute names of shared keys (a class's instance attributes) by the address of the key string, per reader. */
    private final Map<Long, String> keyNames = new HashMap<>();

    PyObjects(ProcessMemory mem, DebugOffsets d, RemoteObjects strings) {
        this.mem = mem;
        this.d = d;
        this.strings = strings;
        this.cache = new MemoryBlockCache(mem, 4096);
    }

    /** Forget the bytes read so far: call before each pass over a running target. */
    public void newPass() {
        cache = new MemoryBlockCache(mem, 4096);
    }

    public DebugOffsets offsets() {
        return d;
    }

    public ProcessMemory memory() {
        return mem;
    }

    /** {@code length} bytes at {@code address} through the pass's block cache, absolute reads from {@code position()}. */
    ByteBuffer read(long address, int length) {
        if (address == 0 || (address & 7) != 0) {
            throw new TornReadException("bad object pointer");
        }
        return cache.read(address, length);
    }

    /** A word of the object at {@code address + offset}. */
    public long word(long address, long offset) {
        ByteBuffer b = read(address + offset, 8);
        return b.getLong(b.position());
    }

    /** The type object of {@code obj}. */
    public long type(long obj) {
        long t = word(obj, d.objects().obType());
        if (t == 0 || (t & 7) != 0) {
            throw new TornReadException("object without a type");
        }
        return t;
    }

    public long flags(long type) {
        Long f = typeFlags.get(type);
        if (f == null) {
            f = word(type, d.objects().tpFlags());
            typeFlags.put(type, f);
        }
        return f;
    }

    /** The type's name as Python code writes it: {@code _thread.lock}, {@code threading.Condition}, {@code int}. */
    public String typeName(long type) {
        Map<Long, String> names = strings.qualifiedTypeNames();
        String name = names.get(type);
        if (name == null) {
            name = readTypeName(type);
            if (names.size() > 1 << 14) {
                names.clear();
            }
            names.put(type, name);
        }
        return name;
    }

    public String typeNameOf(long obj) {
        return typeName(type(obj));
    }

    private String readTypeName(long type) {
        String tpName = cString(word(type, d.objects().tpName()), MAX_TYPE_NAME);
        // Static and C heap types carry their module in tp_name ("_queue.SimpleQueue"); a class
        // statement's type has the bare name there, its module in __module__ and its qualified
        // name in ht_qualname.
        if ((flags(type) & HEAPTYPE) == 0 || tpName.indexOf('.') >= 0) {
            return tpName;
        }
        String qualname = tpName;
        try {
            qualname = str(word(type, d.deep().htCachedKeys() - 8), MAX_TYPE_NAME);
        } catch (TornReadException | MemoryUnreadableException e) {
            // keep tp_name
        }
        String module = null;
        long dict = word(type, TP_DICT);
        if (dict != 0) {
            Long m = dictGet(dict, "__module__");
            if (m != null && isStr(m)) {
                module = str(m, MAX_TYPE_NAME);
            }
        }
        return module == null || module.equals("builtins") ? qualname : module + "." + qualname;
    }

    private String cString(long address, int max) {
        if (address == 0) {
            throw new TornReadException("null type name");
        }
        byte[] raw;
        try {
            raw = mem.bytes(address, max);
        } catch (MemoryUnreadableException e) {
            raw = mem.bytes(address, 32); // a short name at the end of a mapping
        }
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }

    /** The name of a C function's {@code PyMethodDef} ({@code ml_name}, its first field). */
    String methodDefName(long methodDef) {
        return cString(word(methodDef, 0), 64);
    }

    public boolean isStr(long obj) {
        long t = type(obj);
        return (flags(t) & UNICODE_SUBCLASS) != 0;
    }

    /** A {@code str}'s value, at most {@code maxChars} characters (cut, never read past the cap). */
    public String str(long obj, int maxChars) {
        ByteBuffer b = read(obj, (int) d.unicode().asciiSize());
        int p = b.position();
        long length = b.getLong(p + (int) d.unicode().length());
        PyUnicode.Kind kind = PyUnicode.kind(b.getInt(p + (int) d.unicode().state()));
        if (kind.compact() && kind.ascii() && kind.bytesPerChar() == 1 && length >= 0 && length <= maxChars
                && b.getLong(p + (int) d.objects().obType()) != 0) {
            // the common case (identifiers, module names, ASCII text): header and data from the block cache
            if (type(obj) != strType(obj)) {
                return strings.string(obj, maxChars);
            }
            ByteBuffer data = read(obj, (int) (d.unicode().asciiSize() + length));
            byte[] raw = new byte[(int) length];
            data.get(data.position() + (int) d.unicode().asciiSize(), raw);
            return new String(raw, StandardCharsets.ISO_8859_1);
        }
        return strings.string(obj, maxChars);
    }

    private long strTypeAddress;

    /** The address of the exact {@code str} type, learnt from the first exact str seen. */
    private long strType(long obj) {
        if (strTypeAddress == 0) {
            long t = type(obj);
            if ("str".equals(typeName(t))) {
                strTypeAddress = t;
            }
        }
        return strTypeAddress;
    }

    /**
     * An {@code int}'s value (also {@code bool}), or null when it does not fit a long. 30-bit
     * digits; {@code lv_tag}: sign in the low 2 bits (0 positive, 1 zero, 2 negative), digit count
     * from bit 3.
     */
    public Long intValue(long obj) {
        ByteBuffer b = read(obj, (int) d.deep().longObDigit() + 12);
        int p = b.position();
        long tag = b.getLong(p + (int) d.deep().longLvTag());
        long digits = tag >>> 3;
        int sign = (int) (tag & 3);
        if (sign == 1 || digits == 0) {
            return 0L;
        }
        if (sign == 3 || digits > 1 << 20) {
            throw new TornReadException("int tag");
        }
        if (digits > 2) {
            return null;
        }
        long v = b.getInt(p + (int) d.deep().longObDigit()) & 0xffffffffL;
        if (digits == 2) {
            v |= (b.getInt(p + (int) d.deep().longObDigit() + 4) & 0xffffffffL) << 30;
        }
        return sign == 2 ? -v : v;
    }

    public double floatValue(long obj) {
        return Double.longBitsToDouble(word(obj, d.deep().floatObFval()));
    }

    /** One key/value pair of a dict, both object addresses. */
    public record Entry(long key, long value) {
    }

    /**
     * The entries of a dict (or dict subclass), in insertion order, at most {@code max}.
     */
    public List<Entry> dictEntries(long dict, int max) {
        long t = type(dict);
        if ((flags(t) & DICT_SUBCLASS) == 0) {
            throw new TornReadException("expected a dict");
        }
        ByteBuffer b = read(dict, (int) d.deep().dictMaValues() + 8);
        int p = b.position();
        return keysEntries(b.getLong(p + (int) d.deep().dictMaKeys()), b.getLong(p + (int) d.deep().dictMaValues()),
                max);
    }

    /**
     * Entries of a {@code PyDictKeysObject}; with {@code values} (a {@code PyDictValues}) the values
     * come from there (a split dict or an instance's inline values), entry i with value i.
     */
    List<Entry> keysEntries(long keys, long values, int max) {
        ByteBuffer h = read(keys, 32);
        int p = h.position();
        int log2Size = h.get(p + 8) & 0xff;
        int log2Index = h.get(p + 9) & 0xff;
        int kind = h.get(p + 10) & 0xff;
        long nentries = h.getLong(p + 24);
        if (log2Size < 3 || log2Size > 30 || log2Index < log2Size || log2Index > log2Size + 3 || kind > 2
                || nentries < 0 || nentries > (1L << log2Size)) {
            throw new TornReadException("dict keys header");
        }
        int n = (int) Math.min(nentries, Math.min(max, MAX_DICT_ENTRIES));
        int entrySize = kind == 0 ? 24 : 16;
        long start = keys + 32 + (1L << log2Index);
        List<Entry> out = new ArrayList<>(n);
        if (n == 0) {
            return out;
        }
        ByteBuffer e = slice(start, n * entrySize);
        ByteBuffer v = null;
        if (values != 0) {
            if ((values & 7) != 0) {
                throw new TornReadException("dict values pointer");
            }
            ByteBuffer vh = read(values, 8);
            int size = vh.get(vh.position() + 1) & 0xff;
            n = Math.min(n, size);
            v = slice(values + 8, Math.max(n, 1) * 8);
        }
        for (int i = 0; i < n; i++) {
            int o = i * entrySize;
            long key = e.getLong(o + (kind == 0 ? 8 : 0));
            long value = v != null ? v.getLong(i * 8) : e.getLong(o + (kind == 0 ? 16 : 8));
            if (key != 0 && value != 0) {
                out.add(new Entry(key, value));
            }
        }
        return out;
    }

    /** {@code length} bytes as a buffer indexed from 0: small ranges through the block cache. */
    private ByteBuffer slice(long address, int length) {
        if (length <= 4096 && (address & 7) == 0) {
            return read(address, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        return ByteBuffer.wrap(mem.bytes(address, length)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The value under a str key of a dict, or null. */
    public Long dictGet(long dict, String key) {
        for (Entry e : dictEntries(dict, MAX_DICT_ENTRIES)) {
            if (isStr(e.key()) && key.equals(str(e.key(), key.length() + 1))) {
                return e.value();
            }
        }
        return null;
    }

    /** A dict with str keys as a map name → value address (other keys skipped), at most {@code max}. */
    public Map<String, Long> strDict(long dict, int max) {
        Map<String, Long> out = new HashMap<>();
        for (Entry e : dictEntries(dict, max)) {
            if (isStr(e.key())) {
                out.put(str(e.key(), 256), e.value());
            }
        }
        return out;
    }

    /**
     * An instance attribute stored in the instance (its {@code __dict__}), or null when it has
     * none of that name. Class attributes and slots are not looked at.
     */
    public Long attribute(long obj, String name) {
        Map<String, Long> attrs = attributes(obj, 256);
        return attrs == null ? null : attrs.get(name);
    }

    /**
     * The instance's own attributes (name → value address), or null when the object has no
     * instance dict. Python classes since 3.13 keep attributes as inline values after the object
     * until something asks for {@code __dict__}; then the managed dict pointer (3 words before the
     * object) is set and wins.
     */
    public Map<String, Long> attributes(long obj, int max) {
        long type = type(obj);
        long flags = flags(type);
        if ((flags & MANAGED_DICT) != 0) {
            long dict = word(obj - 24, 0);
            if (dict != 0) {
                return strDict(dict, max);
            }
            if ((flags & INLINE_VALUES) == 0) {
                return Map.of();
            }
            long basic = word(type, TP_BASICSIZE);
            if (basic < 16 || basic > 1 << 16) {
                throw new TornReadException("tp_basicsize");
            }
            long values = obj + basic;
            ByteBuffer vh = read(values, 8);
            boolean valid = vh.get(vh.position() + 3) != 0;
            if (!valid) {
                return Map.of();
            }
            long keys = word(type, d.deep().htCachedKeys());
            if (keys == 0) {
                return Map.of();
            }
            Map<String, Long> out = new HashMap<>();
            for (Entry e : keysEntries(keys, values, max)) {
                // the keys of a class's shared keys are its attribute names, shared by every instance
                String name = keyNames.get(e.key());
                if (name == null) {
                    name = str(e.key(), 256);
                    keyNames.put(e.key(), name);
                }
                out.put(name, e.value());
            }
            return out;
        }
        long dictOffset = word(type, 288);
        if (dictOffset > 0 && dictOffset < 1 << 16) {
            long dict = word(obj, dictOffset);
            return dict == 0 ? Map.of() : strDict(dict, max);
        }
        return null;
    }

    /** A module's globals dict ({@code md_dict}). */
    public long moduleDict(long module) {
        if (!"module".equals(typeNameOf(module)) && !typeNameOf(module).endsWith("Module")) {
            throw new TornReadException("expected a module");
        }
        long dict = word(module, MD_DICT);
        if (dict == 0) {
            throw new TornReadException("module without a dict");
        }
        return dict;
    }

    /** {@code sys.modules} of an interpreter ({@code interp->imports.modules}): name → module address. */
    public Map<String, Long> sysModules(long interp) {
        long modules = word(interp, d.deep().importsModules());
        if (modules == 0) {
            return Map.of();
        }
        return strDict(modules, MAX_DICT_ENTRIES);
    }

    /** A global of a module, or null. */
    public Long moduleGlobal(long module, String name) {
        return dictGet(moduleDict(module), name);
    }

    /** Length of a str/bytes/tuple/list/dict/set (or subclass), or null for other types. */
    public Long length(long obj) {
        long t = type(obj);
        long f = flags(t);
        String n = typeName(t);
        if ((f & TUPLE_SUBCLASS) != 0) {
            return word(obj, d.deep().tupleObSize());
        }
        if ((f & (1L << 25)) != 0) { // Py_TPFLAGS_LIST_SUBCLASS
            return word(obj, d.deep().listObSize());
        }
        if ((f & DICT_SUBCLASS) != 0) {
            return word(obj, 16); // ma_used
        }
        if ((f & UNICODE_SUBCLASS) != 0) {
            return word(obj, d.unicode().length());
        }
        if ((f & (1L << 27)) != 0) { // Py_TPFLAGS_BYTES_SUBCLASS
            return word(obj, d.objects().bytesObSize());
        }
        if (n.equals("set") || n.equals("frozenset")) {
            return word(obj, d.deep().setUsed());
        }
        return null;
    }

    /**
     * A short, bounded rendering: {@code None}, {@code True}, numbers, quoted strings and bytes
     * cut at {@code maxChars}, {@code <list len=3>} for containers, {@code <type at 0x…>}
     * otherwise. Never follows container contents.
     */
    public String render(long obj, int maxChars) {
        long t = type(obj);
        String n = typeName(t);
        long f = flags(t);
        switch (n) {
            case "NoneType":
                return "None";
            case "bool":
                return intValue(obj) == 0 ? "False" : "True";
            case "float":
                return Double.toString(floatValue(obj));
            default:
                break;
        }
        if (n.equals("int")) {
            Long v = intValue(obj);
            return v == null ? "<int too big to show>" : Long.toString(v);
        }
        if (n.equals("str")) {
            long len = word(obj, d.unicode().length());
            String s = str(obj, maxChars);
            return quote(s) + (len > s.length() ? "… (" + len + " chars)" : "");
        }
        if (n.equals("bytes")) {
            long len = word(obj, d.objects().bytesObSize());
            if (len < 0 || len > 1L << 40) {
                throw new TornReadException("bytes size");
            }
            int shown = (int) Math.min(len, maxChars);
            byte[] raw = shown == 0 ? new byte[0] : mem.bytes(obj + d.objects().bytesObSval(), shown);
            return "b'" + bytesText(raw) + "'" + (len > shown ? "… (" + len + " bytes)" : "");
        }
        Long len = (f & UNICODE_SUBCLASS) != 0 ? null : length(obj);
        String where = "0x" + Long.toHexString(obj);
        return len != null ? "<" + n + " len=" + len + " at " + where + ">" : "<" + n + " at " + where + ">";
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }

    private static String bytesText(byte[] raw) {
        StringBuilder sb = new StringBuilder(raw.length);
        for (byte b : raw) {
            int c = b & 0xff;
            if (c == '\'' || c == '\\') {
                sb.append('\\').append((char) c);
            } else {
                sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format(Locale.ROOT, "\\x%02x", c));
            }
        }
        return sb.toString();
    }
}
