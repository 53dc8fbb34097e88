package dev.thaw.python;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checks a target's {@code _Py_DebugOffsets} once, before any of its values is used: the table is
 * read from a process thaw does not trust, and every later read adds these offsets to addresses
 * and indexes buffers with them. Modelled on CPython's {@code debug_offsets_validation.h}: each
 * section's reported size must be positive and no larger than thaw reads of that struct at once,
 * and each offset thaw uses, plus the bytes read there, must fit inside its section's size and be
 * aligned to them. A failure names the field, its value and the limit it broke, so a report says
 * what differs. After this, the hot paths use the offsets without further bounds checks.
 */
final class DebugOffsetsCheck {

    /** {@code Py_MAX_SCRIPT_PATH_SIZE}: the PEP 768 path buffer in each thread state. */
    static final long SCRIPT_PATH_SIZE = 512;

    private DebugOffsetsCheck() {
    }

    /**
     * @param raw at least {@link DebugField#structSize} bytes of the target's table
     * @throws ThawException {@code unsupported_layout}, naming the first field that does not fit
     */
    static void check(byte[] raw, PythonVersion version) {
        String failure = firstFailure(raw, version.minor());
        if (failure != null) {
            throw new ThawException(ErrorCode.UNSUPPORTED_LAYOUT, "The debug offsets of Python " + version
                    + " do not fit the layout thaw knows for 3." + version.minor() + ": " + failure + ".",
                    "This build lays out _Py_DebugOffsets differently (a patched or unusual build), or its memory "
                            + "was overwritten; thaw refuses rather than read garbage. Report it with `thaw doctor`.");
        }
    }

    /** The first broken rule, said in words, or null when every field fits. */
    static String firstFailure(byte[] raw, int minor) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (DebugField f : DebugField.values()) {
            int pos = f.position(minor);
            if (pos < 0) {
                continue;
            }
            long value = b.getLong(pos);
            if (f.isSectionSize()) {
                if (value <= 0) {
                    return f.cName() + "=" + Long.toUnsignedString(value) + " must be greater than zero";
                }
                if (value > f.maxSize()) {
                    return f.cName() + "=" + value + " exceeds the " + f.maxSize() + " bytes thaw reads of it at most";
                }
            } else if (f.section() != null && f.section().position(minor) >= 0) {
                String broken = fits(f.cName(), value, f.width(), Math.min(f.width(), 8), f.section().cName(),
                        b.getLong(f.section().position(minor)));
                if (broken != null) {
                    return broken;
                }
            }
        }
        return debuggerFailure(b, minor);
    }

    /**
     * The PEP 768 fields: {@code pending_call} and {@code script_path} are offsets inside the
     * thread's {@code _PyRemoteDebuggerSupport}, itself at {@code remote_debugger_support} in the
     * thread state; thaw writes a path of up to {@code script_path_size} bytes there.
     */
    private static String debuggerFailure(ByteBuffer b, int minor) {
        long threadSize = b.getLong(DebugField.THREAD_SIZE.position(minor));
        long support = b.getLong(DebugField.DEBUGGER_REMOTE_SUPPORT.position(minor));
        long pathSize = b.getLong(DebugField.DEBUGGER_SCRIPT_PATH_SIZE.position(minor));
        if (pathSize != SCRIPT_PATH_SIZE) {
            return DebugField.DEBUGGER_SCRIPT_PATH_SIZE.cName() + "=" + Long.toUnsignedString(pathSize)
                    + " is not the " + SCRIPT_PATH_SIZE + " bytes of Py_MAX_SCRIPT_PATH_SIZE";
        }
        long pending = b.getLong(DebugField.DEBUGGER_PENDING_CALL.position(minor));
        long path = b.getLong(DebugField.DEBUGGER_SCRIPT_PATH.position(minor));
        String name = "thread_state.remote_debugger_support.";
        String broken = pending < 0 || pending > threadSize ? name + "pending_call=" + Long.toUnsignedString(pending)
                + " exceeds thread_state.size " + threadSize
                : fits(name + "pending_call", support + pending, 4, 4, "thread_state.size", threadSize);
        if (broken == null) {
            broken = path < 0 || path > threadSize ? name + "script_path=" + Long.toUnsignedString(path)
                    + " exceeds thread_state.size " + threadSize
                    : fits(name + "script_path", support + path, (int) pathSize, 1, "thread_state.size", threadSize);
        }
        if (broken == null) {
            long obType = b.getLong(DebugField.OBJECT_OB_TYPE.position(minor));
            if (obType != 8) {
                broken = DebugField.OBJECT_OB_TYPE.cName() + "=" + obType + " is not 8 (the PyObject of a GIL build)";
            }
        }
        return broken;
    }

    /** Null when {@code width} bytes at {@code offset} lie inside {@code limit}, aligned to {@code alignment}. */
    private static String fits(String field, long offset, int width, int alignment, String limitName, long limit) {
        if (offset < 0 || offset > limit - width) {
            return field + "=" + Long.toUnsignedString(offset) + " with width " + width + " exceeds " + limitName
                    + " " + limit;
        }
        if (offset % alignment != 0) {
            return field + "=" + offset + " is not aligned to " + alignment + " bytes";
        }
        return null;
    }
}
