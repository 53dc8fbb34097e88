package dev.thaw.python;

import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.ProcessMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Python-level handler of every signal, read from the target's memory: what
 * {@code signal.getsignal(n)} would answer inside it — {@code SIG_DFL}, {@code SIG_IGN},
 * {@code default_int_handler}, or a Python function named by its module and qualified name — and
 * whether that function provably does nothing.
 *
 * <p><b>Where.</b> CPython keeps them in {@code _PyRuntime.signals.handlers[Py_NSIG]}
 * ({@code Include/internal/pycore_signal.h}): 65 entries on Linux of {@code {int tripped; PyObject
 * *func}}, 16 bytes each. {@code _Py_DebugOffsets} does not export where {@code signals} sits in the
 * runtime, so it is found by its shape, which no other 1,040 bytes of the runtime have: entry 0 is
 * all zero (signal 0 does not exist), and entries 1..64 each hold a {@code tripped} flag of 0 or 1,
 * zero padding, and a non-NULL object pointer; at start-up the signal module stores for every signal
 * {@code SIG_DFL} or {@code SIG_IGN} as the small ints 0 and 1 (immortal singletons, so at least
 * two dozen entries share the pointer to the int 0), or {@code None} for a C-level handler that is not
 * Python's. The candidate must also pass type checks: that shared pointer is an {@code int}.
 * Verified against CPython 3.14.10 and 3.15.2 (the tests compare with {@code signal.getsignal}).
 *
 * <p><b>Does nothing.</b> A function whose bytecode is only {@code RESUME}, {@code NOP},
 * {@code NOT_TAKEN}, constant loads, {@code POP_TOP} and {@code RETURN_VALUE} (what
 * {@code def h(signum, frame): pass} compiles to, docstring or not) returns a constant and changes
 * nothing. The opcode numbers are per minor version (from {@code dis.opmap} and the specialized
 * forms the interpreter rewrites them into); instrumented code (a profiler or debugger attached)
 * counts as unknown.
 */
public final class SignalHandlers {

    /** Linux {@code NSIG}: signals 1..64, entry 0 unused. */
    static final int NSIG = 65;
    private static final int ENTRY = 16;
    private static final int ARRAY = NSIG * ENTRY;
    /** How much of the runtime is searched: {@code signals} lies well inside the first few hundred KiB. */
    private static final int SEARCH_BYTES = 1 << 20;
    private static final int CHUNK = 64 * 1024;

    private static final int FUNC_QUALNAME = ObjectLayout.FUNC_QUALNAME;
    private static final int FUNC_CODE = ObjectLayout.FUNC_CODE;
    private static final int FUNC_MODULE = ObjectLayout.FUNC_MODULE;
    private static final int METHOD_FUNC = ObjectLayout.METHOD_FUNC;
    private static final int CFUNC_ML = ObjectLayout.CFUNC_ML;

    /** What a signal's Python-level handler is. */
    public enum Kind {
        /** {@code SIG_DFL}: the kernel's default action (for most signals: end the process). */
        DEFAULT,
        /** {@code SIG_IGN}. */
        IGNORE,
        /** {@code None}: a handler installed from C, not by Python. */
        NOT_PYTHON,
        /** {@code signal.default_int_handler}: raises KeyboardInterrupt. */
        INT_HANDLER,
        /** A Python function whose code provably does nothing. */
        NO_OP,
        /** A Python function (or another callable): what it does is unknown. */
        CALLABLE
    }

    /**
     * @param signal the signal number
     * @param kind   what the handler is
     * @param name   {@code module.qualname} of a Python handler, the builtin's name, or a type name; null for SIG_DFL/SIG_IGN/None
     */
    public record Handler(int signal, Kind kind, String name) {
    }

    /**
     * @param handlers  signals 1..64
     * @param wakeupFd  {@code signal.set_wakeup_fd}'s descriptor ({@code signals.wakeup.fd}, right after
     *                  the array), -1 when none: every signal with a Python handler is also written there
     */
    public record Table(Map<Integer, Handler> handlers, int wakeupFd) {
    }

    private SignalHandlers() {
    }

    /**
     * The handlers of signals 1..64, or empty when the table cannot be found (an embedded interpreter
     * that did not install Python's signal handling, an unusual build): then nothing is known.
     *
     * @param runtime the address of {@code _PyRuntime}
     */
    public static Optional<Table> read(ProcessMemory mem, DebugOffsets d, long runtime, PythonCaches caches) {
        try {
            RemoteObjects objects = new RemoteObjects(mem, d);
            Long table = located(mem, objects, d, runtime, caches.signalTables);
            if (table == null) {
                return Optional.empty();
            }
            ByteBuffer b = ByteBuffer.wrap(mem.bytes(table, ARRAY + 4)).order(ByteOrder.LITTLE_ENDIAN);
            long dfl = mostCommon(b);
            Map<Integer, Handler> out = new LinkedHashMap<>();
            for (int sig = 1; sig < NSIG; sig++) {
                out.put(sig, describe(mem, d, objects, sig, b.getLong(sig * ENTRY + 8), dfl));
            }
            return Optional.of(new Table(out, b.getInt(ARRAY)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Where the table sat in the runtime of earlier processes of the same build (the same
     * {@code _Py_DebugOffsets}): a fixed offset per binary, so later reads check it instead of searching.
     */
    private static Long located(ProcessMemory mem, RemoteObjects objects, DebugOffsets d, long runtime,
                                BoundedCache<DebugOffsets, Integer> knownOffsets) {
        Integer known = knownOffsets.get(d);
        if (known != null) {
            ByteBuffer b = ByteBuffer.wrap(mem.bytes(runtime + known, ARRAY)).order(ByteOrder.LITTLE_ENDIAN);
            if (shaped(b, 0) && isZero(mem, d, objects, mostCommon(b))) {
                return runtime + known;
            }
        }
        Long found = locate(mem, d, objects, runtime);
        if (found != null) {
            knownOffsets.put(d, (int) (found - runtime));
        }
        return found;
    }

    private static boolean isZero(ProcessMemory mem, DebugOffsets d, RemoteObjects objects, long object) {
        return "int".equals(objects.typeName(mem.readPointer(object + d.objects().obType())))
                && longValue(mem, d, object) == 0;
    }

    private static Long locate(ProcessMemory mem, DebugOffsets d, RemoteObjects objects, long runtime) {
        // One read of the searched region (chunked reads stop at the first unreadable page).
        ByteBuffer all = ByteBuffer.allocate(SEARCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < SEARCH_BYTES; off += CHUNK) {
            ByteBuffer part = ByteBuffer.allocate(CHUNK);
            int n = mem.readAtMost(runtime + off, part);
            all.put(off, part.array(), 0, n);
            if (n < CHUNK) {
                all.limit(off + n);
                break;
            }
        }
        for (int p = 0; p + ARRAY <= all.limit(); p += 8) {
            if (shaped(all, p)) {
                ByteBuffer b = all.slice(p, ARRAY).order(ByteOrder.LITTLE_ENDIAN);
                long dfl = mostCommon(b);
                if (isZero(mem, d, objects, dfl)) {
                    return runtime + p;
                }
            }
        }
        return null;
    }

    private static boolean shaped(ByteBuffer b, int p) {
        if (b.getLong(p) != 0 || b.getLong(p + 8) != 0) {
            return false;
        }
        for (int sig = 1; sig < NSIG; sig++) {
            int e = p + sig * ENTRY;
            int tripped = b.getInt(e);
            long func = b.getLong(e + 8);
            if ((tripped & ~1) != 0 || b.getInt(e + 4) != 0 || func == 0 || (func & 7) != 0) {
                return false;
            }
        }
        long common = mostCommon(b.slice(p, ARRAY).order(ByteOrder.LITTLE_ENDIAN));
        int same = 0;
        for (int sig = 1; sig < NSIG; sig++) {
            if (b.getLong(p + sig * ENTRY + 8) == common) {
                same++;
            }
        }
        return same >= 24;
    }

    private static long mostCommon(ByteBuffer table) {
        Map<Long, Integer> counts = new HashMap<>();
        long best = 0;
        int bestCount = 0;
        for (int sig = 1; sig < NSIG; sig++) {
            long f = table.getLong(sig * ENTRY + 8);
            int c = counts.merge(f, 1, Integer::sum);
            if (c > bestCount) {
                best = f;
                bestCount = c;
            }
        }
        return best;
    }

    /** A small non-negative int's value (one digit), or -1. */
    private static long longValue(ProcessMemory mem, DebugOffsets d, long address) {
        int digit = (int) d.deep().longObDigit();
        ByteBuffer b = ByteBuffer.wrap(mem.bytes(address, digit + 4)).order(ByteOrder.LITTLE_ENDIAN);
        long tag = b.getLong((int) d.deep().longLvTag());
        long digits = tag >>> 3;
        int sign = (int) (tag & 3); // 0 positive, 1 zero, 2 negative
        if (sign == 1) {
            return 0;
        }
        if (sign != 0 || digits != 1) {
            return -1;
        }
        return b.getInt(digit) & 0x3fffffffL;
    }

    private static Handler describe(ProcessMemory mem, DebugOffsets d, RemoteObjects objects, int sig, long func,
                                    long dfl) {
        String type = objects.typeName(mem.readPointer(func + d.objects().obType()));
        if ("int".equals(type)) {
            long v = func == dfl ? 0 : longValue(mem, d, func);
            return new Handler(sig, v == 0 ? Kind.DEFAULT : v == 1 ? Kind.IGNORE : Kind.CALLABLE,
                    v == 0 || v == 1 ? null : "int");
        }
        if ("NoneType".equals(type)) {
            return new Handler(sig, Kind.NOT_PYTHON, null);
        }
        if ("builtin_function_or_method".equals(type)) {
            String name = cString(mem, mem.readPointer(mem.readPointer(func + CFUNC_ML)));
            return new Handler(sig, "default_int_handler".equals(name) ? Kind.INT_HANDLER : Kind.CALLABLE,
                    "default_int_handler".equals(name) ? "signal.default_int_handler" : name);
        }
        if ("method".equals(type)) {
            long f = mem.readPointer(func + METHOD_FUNC);
            if ("function".equals(objects.typeName(mem.readPointer(f + d.objects().obType())))) {
                Handler h = function(mem, d, objects, sig, f);
                return new Handler(sig, h.kind(), h.name() + " (a bound method)");
            }
            return new Handler(sig, Kind.CALLABLE, "a bound method");
        }
        if ("function".equals(type)) {
            return function(mem, d, objects, sig, func);
        }
        return new Handler(sig, Kind.CALLABLE, "a callable of type " + type);
    }

    private static Handler function(ProcessMemory mem, DebugOffsets d, RemoteObjects objects, int sig, long func) {
        String qualname = objects.string(mem.readPointer(func + FUNC_QUALNAME));
        String module;
        try {
            module = objects.string(mem.readPointer(func + FUNC_MODULE));
        } catch (RuntimeException e) {
            module = null; // __module__ is not a str (rare): the qualified name alone
        }
        String name = module == null ? qualname : module + "." + qualname;
        long code = mem.readPointer(func + FUNC_CODE);
        return new Handler(sig, doesNothing(mem, d, objects, code) ? Kind.NO_OP : Kind.CALLABLE, name);
    }

    /** Whether a code object's bytecode only returns a constant (see the class comment). */
    static boolean doesNothing(ProcessMemory mem, DebugOffsets d, RemoteObjects objects, long code) {
        if (!"code".equals(objects.typeName(mem.readPointer(code + d.objects().obType())))) {
            return false;
        }
        long units = mem.readPointer(code + d.objects().bytesObSize());
        if (units <= 0 || units > 64) {
            return false;
        }
        Map<Integer, Integer> inert = inertOpcodes(d.version());
        if (inert.isEmpty()) {
            return false;
        }
        byte[] bytecode = mem.bytes(code + d.code().coCodeAdaptive(), (int) units * 2);
        boolean returns = false;
        for (int i = 0; i < bytecode.length; i += 2) {
            int op = bytecode[i] & 0xff;
            Integer caches = inert.get(op);
            if (caches == null) {
                return false;
            }
            returns |= op == returnValue(d.version());
            i += caches * 2; // inline cache entries hold data (counters), not instructions
        }
        return returns;
    }

    /**
     * Opcode → inline cache units after it: RESUME (and its specialized forms), NOP, NOT_TAKEN,
     * CACHE, constant loads, POP_TOP, RETURN_VALUE ({@code dis.opmap}, {@code _specialized_opmap},
     * {@code opcode._inline_cache_entries} of 3.14.10 and 3.15.2; 3.15's RESUME family has one
     * counter unit).
     */
    private static Map<Integer, Integer> inertOpcodes(PythonVersion v) {
        if (v.major() == 3 && v.minor() == 14) {
            return Map.ofEntries(Map.entry(128, 0), Map.entry(196, 0), Map.entry(27, 0), Map.entry(28, 0),
                    Map.entry(0, 0), Map.entry(82, 0), Map.entry(190, 0), Map.entry(191, 0), Map.entry(94, 0),
                    Map.entry(81, 0), Map.entry(31, 0), Map.entry(35, 0));
        }
        if (v.major() == 3 && v.minor() == 15) {
            return Map.ofEntries(Map.entry(128, 1), Map.entry(200, 1), Map.entry(201, 1), Map.entry(25, 0),
                    Map.entry(26, 0), Map.entry(0, 0), Map.entry(81, 0), Map.entry(80, 0), Map.entry(93, 0),
                    Map.entry(29, 0), Map.entry(33, 0));
        }
        return Map.of();
    }

    private static int returnValue(PythonVersion v) {
        return v.minor() == 14 ? 35 : 33;
    }

    private static String cString(ProcessMemory mem, long address) {
        byte[] raw = mem.bytes(address, 64);
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }
}
