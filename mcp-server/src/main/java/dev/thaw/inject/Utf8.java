package dev.thaw.inject;

import java.nio.charset.StandardCharsets;

/** Cutting UTF-8 output into pages without splitting a character. */
final class Utf8 {

    private Utf8() {
    }

    /**
     * The largest end in {@code [from, from + max]} (capped at {@code length}) that does not fall
     * inside a multi-byte character. When even the first character does not fit, the end of that
     * character (a little over {@code max}), so paging always advances and never splits one.
     */
    static int cut(byte[] b, int from, int length, int max) {
        int end = (int) Math.min((long) from + max, length);
        if (end >= length) {
            return length;
        }
        int e = end;
        // Back up over continuation bytes (10xxxxxx) to the start of the character that straddles the cut.
        while (e > from && (b[e] & 0xC0) == 0x80) {
            e--;
        }
        if (e > from) {
            return e;
        }
        e = end;
        while (e < length && (b[e] & 0xC0) == 0x80) {
            e++;
        }
        return e;
    }

    static String decode(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }
}
