package dev.thaw.python;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The str decoder on the four layouts CPython uses; the state words are CPython 3.14's. */
class PyUnicodeTest {

    // interned:2 kind:3 compact:1 ascii:1 -> compact ASCII = kind 1, compact, ascii
    static final int ASCII = 1 << 2 | 1 << 5 | 1 << 6;
    static final int LATIN1 = 1 << 2 | 1 << 5;
    static final int UCS2 = 2 << 2 | 1 << 5;
    static final int UCS4 = 4 << 2 | 1 << 5;

    @Test
    void kinds() {
        assertThat(PyUnicode.kind(ASCII)).isEqualTo(new PyUnicode.Kind(1, true, true));
        assertThat(PyUnicode.kind(LATIN1 | 1)).isEqualTo(new PyUnicode.Kind(1, true, false)); // interned bit ignored
        assertThat(PyUnicode.kind(UCS2).bytesPerChar()).isEqualTo(2);
        assertThat(PyUnicode.kind(UCS4).bytesPerChar()).isEqualTo(4);
        assertThat(PyUnicode.kind(3 << 2).valid()).isFalse();
    }

    @Test
    void dataOffsets() {
        assertThat(PyUnicode.dataOffset(PyUnicode.kind(ASCII), 40, 56)).isEqualTo(40);
        assertThat(PyUnicode.dataOffset(PyUnicode.kind(LATIN1), 40, 56)).isEqualTo(56);
        assertThat(PyUnicode.dataOffset(PyUnicode.kind(UCS4), 40, 56)).isEqualTo(56);
        assertThat(PyUnicode.dataOffset(PyUnicode.kind(1 << 2), 40, 56)).isEqualTo(-1); // legacy
    }

    @Test
    void latin1() {
        byte[] data = "fünf_é".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(PyUnicode.decode(PyUnicode.kind(LATIN1), data, 0, 6)).isEqualTo("fünf_é");
    }

    @Test
    void ucs2() {
        byte[] data = "模块π".getBytes(StandardCharsets.UTF_16LE);
        assertThat(PyUnicode.decode(PyUnicode.kind(UCS2), data, 0, 3)).isEqualTo("模块π");
    }

    @Test
    void ucs4WithSupplementaryCharacters() {
        String s = "𠀀x😀";
        int[] cps = s.codePoints().toArray();
        byte[] data = new byte[cps.length * 4];
        for (int i = 0; i < cps.length; i++) {
            data[4 * i] = (byte) cps[i];
            data[4 * i + 1] = (byte) (cps[i] >> 8);
            data[4 * i + 2] = (byte) (cps[i] >> 16);
        }
        assertThat(PyUnicode.decode(PyUnicode.kind(UCS4), data, 0, cps.length)).isEqualTo(s);
    }

    @Test
    void offsetAndTornData() {
        byte[] data = "xxabc".getBytes(StandardCharsets.US_ASCII);
        assertThat(PyUnicode.decode(PyUnicode.kind(ASCII), data, 2, 3)).isEqualTo("abc");
        assertThatThrownBy(() -> PyUnicode.decode(PyUnicode.kind(ASCII), data, 2, 4))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] bad = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        assertThatThrownBy(() -> PyUnicode.decode(PyUnicode.kind(UCS4), bad, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
