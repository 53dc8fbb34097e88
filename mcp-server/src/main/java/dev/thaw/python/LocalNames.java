package dev.thaw.python;

/**
 * The localsplus slots of a code object: {@code co_localsplusnames} (a tuple of str) and
 * {@code co_localspluskinds} (bytes: CO_FAST_* flags per slot), and {@code co_argcount}.
 * A frame's {@code localsplus} holds one stack reference per slot, then its evaluation stack.
 */
record LocalNames(String[] names, byte[] kinds, int argcount) {

    static final int CO_FAST_HIDDEN = 0x10;
    static final int CO_FAST_LOCAL = 0x20;
    static final int CO_FAST_CELL = 0x40;
    static final int CO_FAST_FREE = 0x80;
    /** CO_FAST_ARG_POS | CO_FAST_ARG_KW | CO_FAST_ARG_VAR */
    static final int CO_FAST_ARG = 0x02 | 0x04 | 0x08;

    int size() {
        return names.length;
    }

    /** {@code arg}, {@code local}, {@code cell}, {@code free}, or null for a hidden slot (comprehension internals). */
    String kind(int i) {
        int k = kinds[i] & 0xff;
        if ((k & CO_FAST_HIDDEN) != 0) {
            return null;
        }
        if ((k & CO_FAST_FREE) != 0) {
            return "free";
        }
        if ((k & CO_FAST_ARG) != 0) {
            return "arg";
        }
        if ((k & CO_FAST_CELL) != 0) {
            return "cell";
        }
        return "local";
    }
}
