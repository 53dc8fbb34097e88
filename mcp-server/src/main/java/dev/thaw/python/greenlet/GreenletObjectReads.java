package dev.thaw.python.greenlet;

import dev.thaw.python.DebugOffsets;
import dev.thaw.python.ObjectLayout;
import dev.thaw.python.PythonMemory;

import java.nio.ByteBuffer;

/**
 * The few object reads the greenlet reader needs beyond strings: small ints, a key of a plain
 * dict, a type's base, a function's name, through the greenlet reader's {@link PythonMemory} (its
 * blocks and its torn-read contract). Offsets come from the target's debug offsets where CPython
 * exports them, else from {@link ObjectLayout}.
 */
final class GreenletObjectReads {

    static final int TP_BASE = ObjectLayout.TP_BASE;
    private static final int DK_LOG2_INDEX_BYTES = ObjectLayout.DK_LOG2_INDEX_BYTES;
    private static final int DK_KIND = ObjectLayout.DK_KIND;
    private static final int DK_NENTRIES = ObjectLayout.DK_NENTRIES;
    private static final int DK_INDICES = ObjectLayout.DK_INDICES;
    private static final int FUNC_QUALNAME = ObjectLayout.FUNC_QUALNAME;
    private static final int IM_FUNC = ObjectLayout.METHOD_FUNC;
    private static final int MAX_ENTRIES = 256;

    private GreenletObjectReads() {
    }

    /** Whether {@code type} is {@code name} or inherits from it (by {@code tp_name}, at most 32 bases). */
    static boolean inherits(PythonMemory py, long type, String name) {
        for (int i = 0; type != 0 && i < 32; i++) {
            if (name.equals(py.typeName(type))) {
                return true;
            }
            type = py.readPointer(type + TP_BASE);
        }
        return false;
    }

    /** A non-negative int that fits in two 30-bit digits, or null for another object. */
    static Long smallInt(PythonMemory py, long object) {
        if (object == 0 || !"int".equals(py.typeNameOf(object))) {
            return null;
        }
        DebugOffsets.Deep o = py.offsets().deep();
        int digit = (int) o.longObDigit();
        ByteBuffer b = py.read(object, digit + 8);
        long tag = b.getLong((int) o.longLvTag());
        long digits = tag >>> 3;
        if ((tag & 3) == 2 || digits > 2) {
            return null;
        }
        long v = digits == 0 ? 0 : b.getInt(digit) & 0x3fffffffL;
        if (digits == 2) {
            v |= (b.getInt(digit + 4) & 0x3fffffffL) << 30;
        }
        return v;
    }

    /** A {@code str} object's value, or null when the object is not a str. */
    static String strOrNull(PythonMemory py, long object) {
        if (object == 0 || !"str".equals(py.typeNameOf(object))) {
            return null;
        }
        return py.string(object);
    }

    /** The value of the str key {@code key} of a combined {@code dict}, or 0 when absent or unreadable. */
    static long dictGet(PythonMemory py, long dict, String key) {
        if (dict == 0 || !"dict".equals(py.typeNameOf(dict))) {
            return 0;
        }
        DebugOffsets.Deep o = py.offsets().deep();
        ByteBuffer d = py.read(dict, (int) Math.max(o.dictMaKeys(), o.dictMaValues()) + 8);
        long keys = d.getLong((int) o.dictMaKeys());
        if (d.getLong((int) o.dictMaValues()) != 0 || keys == 0) {
            return 0; // a split dict (values stored apart): not needed for greenlets' dicts
        }
        ByteBuffer k = py.read(keys, DK_INDICES);
        int indexBytes = 1 << (k.get(DK_LOG2_INDEX_BYTES) & 0x3f);
        int kind = k.get(DK_KIND);
        long n = k.getLong(DK_NENTRIES);
        if (n < 0 || n > MAX_ENTRIES || indexBytes > 1 << 16) {
            return 0;
        }
        int entry = kind == 0 ? 24 : 16;
        int keyAt = kind == 0 ? 8 : 0;
        ByteBuffer e = py.read(keys + DK_INDICES + indexBytes, (int) Math.max(n * entry, 8));
        for (int i = 0; i < n; i++) {
            long kp = e.getLong(i * entry + keyAt);
            if (kp != 0 && key.equals(strOrNull(py, kp))) {
                return e.getLong(i * entry + keyAt + 8);
            }
        }
        return 0;
    }

    /** The qualified name of a function or bound method, else its type's name. */
    static String callableName(PythonMemory py, long callable) {
        String type = py.typeNameOf(callable);
        if ("method".equals(type)) {
            callable = py.readPointer(callable + IM_FUNC);
            type = py.typeNameOf(callable);
        }
        if ("function".equals(type)) {
            String q = strOrNull(py, py.readPointer(callable + FUNC_QUALNAME));
            if (q != null) {
                return q;
            }
        }
        return type;
    }
}
