package dev.thaw.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalSafeStreamTest {

    @Test
    void controlsAreShownEscapedAndTextIsKept() {
        assertThat(TerminalSafeStream.sanitize("a\u001b]0;owned\u0007b\r\n\tc\u007f"))
                .isEqualTo("a\\u001b]0;owned\\u0007b\\u000d\n\tc\\u007f");
        assertThat(TerminalSafeStream.sanitize("csi\u009b2J bidi\u202eevil\u2066 ok: é 漢 🧊"))
                .isEqualTo("csi\\u009b2J bidi\\u202eevil\\u2066 ok: é 漢 🧊");
    }

    @Test
    void bytesThatAreNotUtf8AreShownAsHexAndSequencesSplitAcrossWritesSurvive() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        TerminalSafeStream safe = new TerminalSafeStream(sink);
        byte[] ice = "🧊".getBytes(StandardCharsets.UTF_8);
        safe.write(ice, 0, 2);
        safe.write(ice, 2, 2);
        safe.write(new byte[] {(byte) 0x9b, 'x', (byte) 0xc2, (byte) 0x9b, (byte) 0xe2, 'y', (byte) 0xc0, (byte) 0x80});
        safe.close();
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("🧊\\x9bx\\u009b\\xe2y\\xc0\\x80");
    }
}
