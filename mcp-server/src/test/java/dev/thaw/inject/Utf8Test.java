package dev.thaw.inject;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Test {

    @Test
    void neverCutsInsideACharacter() {
        byte[] b = "aé✓𝄞z".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 + 1 bytes
        assertThat(Utf8.cut(b, 0, b.length, 1)).isEqualTo(1);
        assertThat(Utf8.cut(b, 0, b.length, 2)).isEqualTo(1);   // 'é' would be split
        assertThat(Utf8.cut(b, 0, b.length, 3)).isEqualTo(3);
        assertThat(Utf8.cut(b, 3, b.length, 2)).as("a character longer than the page is kept whole").isEqualTo(6);
        assertThat(Utf8.cut(b, 3, b.length, 3)).isEqualTo(6);
        assertThat(Utf8.cut(b, 6, b.length, 3)).isEqualTo(10);  // cannot fit the 4-byte char: still advances, whole
        assertThat(Utf8.cut(b, 6, b.length, 4)).isEqualTo(10);
        assertThat(Utf8.cut(b, 0, b.length, 100)).isEqualTo(b.length);
        StringBuilder pages = new StringBuilder();
        for (int from = 0; from < b.length; ) {
            int to = Utf8.cut(b, from, b.length, 4);
            assertThat(to).isGreaterThan(from);
            pages.append(Utf8.decode(b, from, to));
            from = to;
        }
        assertThat(pages.toString()).isEqualTo("aé✓𝄞z");
    }
}
