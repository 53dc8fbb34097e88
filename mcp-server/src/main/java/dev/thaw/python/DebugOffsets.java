package dev.thaw.python;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The target's {@code _Py_DebugOffsets}: the offsets of the fields of its runtime, interpreter,
 * thread, frame, code and string structures, as its own build laid them out. Decoded from the raw
 * bytes at {@code _PyRuntime} with the layout of the target's minor version ({@link DebugField}).
 */
public record DebugOffsets(PythonVersion version, boolean freeThreaded,
                           Runtime runtime, Interpreter interpreter, Thread thread, Frame frame, Code code,
                           Objects objects, Unicode unicode, Gen gen, Debugger debugger,
                           Deep deep) {

    public static final String COOKIE = "xdebugpy";
    /** Cookie, version and free_threaded sit at 0, 8 and 16 in every version since 3.13. */
    public static final int HEADER_SIZE = 24;

    public record Runtime(long interpretersHead) {
    }

    public record Interpreter(long id, long next, long threadsHead, long threadsMain, long gilLocked,
                              long gilHolder, long codeObjectGeneration) {
    }

    /** {@code holdsGil} is -1 before 3.15. */
    public record Thread(long size, long next, long interp, long currentFrame, long threadId, long nativeThreadId,
                         long datastackChunk, long status, long holdsGil) {
    }

    public record Frame(long size, long previous, long executable, long instrPtr, long owner) {
    }

    public record Code(long size, long filename, long name, long qualname, long linetable, long firstlineno,
                       long coCodeAdaptive) {
    }

    public record Objects(long obType, long tpName, long tpFlags, long bytesObSize, long bytesObSval) {
    }

    /** {@code compactSize} is sizeof(PyCompactUnicodeObject): exported since 3.15, 56 on 64-bit 3.14. */
    public record Unicode(long state, long length, long asciiSize, long compactSize) {
    }

    public record Gen(long giIframe, long giFrameState) {
    }

    /**
     * What reading objects and frame contents needs beyond stacks: {@code sys.modules}, a frame's
     * {@code localsplus} and {@code stackpointer}, a code object's local names and kinds, and the
     * containers and numbers. {@code htCachedKeys} ({@code PyHeapTypeObject.ht_cached_keys}, where
     * the keys of instances' inline attribute values live) is exported from 3.15 on and 880 in 3.14.
     */
    public record Deep(long importsModules, long localsplus, long stackpointer, long argcount, long localsplusnames,
                       long localspluskinds, long htCachedKeys, long tupleObItem, long tupleObSize, long listObItem,
                       long listObSize, long setUsed, long dictMaKeys, long dictMaValues, long floatObFval,
                       long longLvTag, long longObDigit, long setTable, long setMask) {
    }

    public record Debugger(long evalBreaker, long remoteDebuggerSupport, long remoteDebuggingEnabled,
                           long pendingCall, long scriptPath, long scriptPathSize) {
    }

    /** The header alone: enough to tell which layout to decode the rest with. */
    public record Header(PythonVersion version, boolean freeThreaded) {
    }

    /** True when the first 8 bytes are the {@code "xdebugpy"} cookie. */
    public static boolean hasCookie(byte[] raw) {
        return raw.length >= 8 && COOKIE.equals(new String(raw, 0, 8, StandardCharsets.ISO_8859_1));
    }

    /** Decodes cookie, version and free_threaded; a bad cookie or an implausible version is an error. */
    public static Header header(byte[] raw) {
        if (!hasCookie(raw) || raw.length < HEADER_SIZE) {
            throw new ThawException(ErrorCode.NOT_PYTHON, "No _Py_DebugOffsets cookie (\"xdebugpy\") at the runtime address.",
                    "The process is not CPython 3.13 or newer, or its memory changed while reading; retry.");
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long hex = b.getLong(8);
        if (!PythonVersion.plausible(hex)) {
            throw new ThawException(ErrorCode.NOT_PYTHON, "The debug offsets carry no valid version (0x"
                    + Long.toHexString(hex) + ").", "The process memory is not what thaw expects; retry.");
        }
        return new Header(PythonVersion.fromHex(hex), b.getLong(16) != 0);
    }

    /** Decodes the whole struct; {@code raw} must hold {@link DebugField#structSize} bytes of a 3.14 or 3.15 target. */
    public static DebugOffsets decode(byte[] raw) {
        Header h = header(raw);
        int minor = h.version().minor();
        if (h.version().major() != 3 || !DebugField.hasLayout(minor)) {
            throw new ThawException(ErrorCode.UNSUPPORTED_VERSION, "Python " + h.version() + " has no memory layout in thaw.",
                    "thaw reads CPython 3.14 and 3.15.");
        }
        if (raw.length < DebugField.structSize(minor)) {
            throw new IllegalArgumentException("need " + DebugField.structSize(minor) + " bytes, got " + raw.length);
        }
        DebugOffsetsCheck.check(raw, h.version());
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        Reader r = f -> {
            int pos = f.position(minor);
            return pos < 0 ? -1 : b.getLong(pos);
        };
        DebugOffsets d = new DebugOffsets(h.version(), h.freeThreaded(),
                new Runtime(r.get(DebugField.RUNTIME_INTERPRETERS_HEAD)),
                new Interpreter(r.get(DebugField.INTERP_ID), r.get(DebugField.INTERP_NEXT),
                        r.get(DebugField.INTERP_THREADS_HEAD), r.get(DebugField.INTERP_THREADS_MAIN),
                        r.get(DebugField.INTERP_GIL_LOCKED), r.get(DebugField.INTERP_GIL_HOLDER),
                        r.get(DebugField.INTERP_CODE_OBJECT_GENERATION)),
                new Thread(r.get(DebugField.THREAD_SIZE), r.get(DebugField.THREAD_NEXT), r.get(DebugField.THREAD_INTERP),
                        r.get(DebugField.THREAD_CURRENT_FRAME), r.get(DebugField.THREAD_THREAD_ID),
                        r.get(DebugField.THREAD_NATIVE_THREAD_ID), r.get(DebugField.THREAD_DATASTACK_CHUNK),
                        r.get(DebugField.THREAD_STATUS), r.get(DebugField.THREAD_HOLDS_GIL)),
                new Frame(r.get(DebugField.FRAME_SIZE), r.get(DebugField.FRAME_PREVIOUS),
                        r.get(DebugField.FRAME_EXECUTABLE), r.get(DebugField.FRAME_INSTR_PTR),
                        r.get(DebugField.FRAME_OWNER)),
                new Code(r.get(DebugField.CODE_SIZE), r.get(DebugField.CODE_FILENAME), r.get(DebugField.CODE_NAME),
                        r.get(DebugField.CODE_QUALNAME), r.get(DebugField.CODE_LINETABLE),
                        r.get(DebugField.CODE_FIRSTLINENO), r.get(DebugField.CODE_CO_CODE_ADAPTIVE)),
                new Objects(r.get(DebugField.OBJECT_OB_TYPE), r.get(DebugField.TYPE_TP_NAME),
                        r.get(DebugField.TYPE_TP_FLAGS), r.get(DebugField.BYTES_OB_SIZE),
                        r.get(DebugField.BYTES_OB_SVAL)),
                new Unicode(r.get(DebugField.UNICODE_STATE), r.get(DebugField.UNICODE_LENGTH),
                        r.get(DebugField.UNICODE_ASCII_SIZE),
                        minor >= 15 ? r.get(DebugField.UNICODE_COMPACT_SIZE) : 56),
                new Gen(r.get(DebugField.GEN_GI_IFRAME), r.get(DebugField.GEN_GI_FRAME_STATE)),
                new Debugger(r.get(DebugField.DEBUGGER_EVAL_BREAKER), r.get(DebugField.DEBUGGER_REMOTE_SUPPORT),
                        r.get(DebugField.DEBUGGER_REMOTE_DEBUGGING_ENABLED), r.get(DebugField.DEBUGGER_PENDING_CALL),
                        r.get(DebugField.DEBUGGER_SCRIPT_PATH), r.get(DebugField.DEBUGGER_SCRIPT_PATH_SIZE)),
                new Deep(r.get(DebugField.INTERP_IMPORTS_MODULES), r.get(DebugField.FRAME_LOCALSPLUS),
                        r.get(DebugField.FRAME_STACKPOINTER), r.get(DebugField.CODE_ARGCOUNT),
                        r.get(DebugField.CODE_LOCALSPLUSNAMES), r.get(DebugField.CODE_LOCALSPLUSKINDS),
                        minor >= 15 ? r.get(DebugField.HEAP_TYPE_CACHED_KEYS) : 880,
                        r.get(DebugField.TUPLE_OB_ITEM), r.get(DebugField.TUPLE_OB_SIZE),
                        r.get(DebugField.LIST_OB_ITEM), r.get(DebugField.LIST_OB_SIZE), r.get(DebugField.SET_USED),
                        r.get(DebugField.DICT_MA_KEYS), r.get(DebugField.DICT_MA_VALUES),
                        r.get(DebugField.FLOAT_OB_FVAL), r.get(DebugField.LONG_LV_TAG),
                        r.get(DebugField.LONG_OB_DIGIT), r.get(DebugField.SET_TABLE), r.get(DebugField.SET_MASK)));
        return d;
    }

    @FunctionalInterface
    private interface Reader {
        long get(DebugField f);
    }
}
