package dev.thaw.python;

import java.nio.charset.StandardCharsets;

/**
 * Decodes the characters of a CPython {@code str} from its raw bytes.
 *
 * <p>The {@code state} word of PyASCIIObject holds {@code interned:2, kind:3, compact:1, ascii:1}
 * from bit 0: kind is the bytes per character (1 Latin-1, 2 UCS-2, 4 UCS-4). Compact ASCII data
 * follows the PyASCIIObject header; compact non-ASCII data follows the bigger
 * PyCompactUnicodeObject header; a non-compact ("legacy") string keeps a pointer to its data
 * there instead. CPython 3.14's own reader assumes compact ASCII everywhere (gh-149214), which is
 * why it garbles non-ASCII names; this decoder does not.
 */
public final class PyUnicode {

    private PyUnicode() {
    }

    /** The layout facts decoded from {@code state}. */
    public record Kind(int bytesPerChar, boolean compact, boolean ascii) {
        public boolean valid() {
            return bytesPerChar == 1 || bytesPerChar == 2 || bytesPerChar == 4;
        }
    }

    public static Kind kind(int state) {
        return new Kind((state >>> 2) & 7, ((state >>> 5) & 1) != 0, ((state >>> 6) & 1) != 0);
    }

    /** Where the characters start, relative to the object, for a compact string; -1 for a legacy one. */
    public static long dataOffset(Kind k, long asciiObjectSize, long compactObjectSize) {
        if (!k.compact()) {
            return -1;
        }
        return k.ascii() ? asciiObjectSize : compactObjectSize;
    }

    /**
     * Decodes {@code length} characters of the given kind from {@code data}.
     *
     * @throws IllegalArgumentException when the data is shorter than the length says, or a
     *                                  UCS-4 value is not a code point (a torn read)
     */
    public static String decode(Kind k, byte[] data, int offset, int length) {
        if (!k.valid() || length < 0 || offset + (long) length * k.bytesPerChar() > data.length) {
            throw new IllegalArgumentException("string data does not fit its length");
        }
        switch (k.bytesPerChar()) {
            case 1:
                return new String(data, offset, length, StandardCharsets.ISO_8859_1);
            case 2: {
                char[] chars = new char[length];
                for (int i = 0; i < length; i++) {
                    int o = offset + 2 * i;
                    chars[i] = (char) ((data[o] & 0xff) | (data[o + 1] & 0xff) << 8);
                }
                return new String(chars);
            }
            default: {
                StringBuilder sb = new StringBuilder(length);
                for (int i = 0; i < length; i++) {
                    int o = offset + 4 * i;
                    int cp = (data[o] & 0xff) | (data[o + 1] & 0xff) << 8 | (data[o + 2] & 0xff) << 16
                            | (data[o + 3] & 0xff) << 24;
                    if (!Character.isValidCodePoint(cp)) {
                        throw new IllegalArgumentException("not a code point: " + cp);
                    }
                    sb.appendCodePoint(cp);
                }
                return sb.toString();
            }
        }
    }
}
