package dev.thaw.jvm.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The request framing, byte for byte, as HotSpot's attachListener reads it. */
class AttachRequestTest {

    private static String show(byte[] b) {
        return new String(b, StandardCharsets.UTF_8).replace('\0', '|');
    }

    @Test
    void v1AlwaysCarriesThreeArguments() {
        assertThat(show(AttachRequest.v1("jcmd", List.of("Thread.print -l")))).isEqualTo("1|jcmd|Thread.print -l|||");
        assertThat(show(AttachRequest.v1("getversion", List.of("options")))).isEqualTo("1|getversion|options|||");
    }

    @Test
    void v2CountsEverythingAfterTheSizeField() {
        byte[] r = AttachRequest.v2("jcmd", "streaming=0", List.of("Thread.print -l"));
        // "jcmd streaming=0\0" is 17 bytes, "Thread.print -l\0" is 16
        assertThat(show(r)).isEqualTo("2|33|jcmd streaming=0|Thread.print -l|");
        assertThat(show(AttachRequest.v2("properties", "", List.of()))).isEqualTo("2|11|properties|");
    }

    @Test
    void v1RefusesWhatHotSpotWouldDropSilently() {
        assertThatThrownBy(() -> AttachRequest.v1("jcmd", List.of("x".repeat(1025))))
                .isInstanceOfSatisfying(ThawException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ATTACH_ARGUMENT_TOO_LONG);
                    assertThat(e.fix()).isNotBlank();
                });
        assertThat(AttachRequest.v1("jcmd", List.of("x".repeat(1024)))).hasSize(2 + 5 + 1025 + 2);
        // bytes, not chars: 512 two-byte characters are 1024 bytes, 513 are too many
        assertThatThrownBy(() -> AttachRequest.v1("jcmd", List.of("é".repeat(513)))).isInstanceOf(ThawException.class);
    }

    @Test
    void v2AcceptsLongArgumentsUpTo256KiB() {
        assertThat(AttachRequest.v2("jcmd", "", List.of("x".repeat(100_000)))).hasSizeGreaterThan(100_000);
        assertThatThrownBy(() -> AttachRequest.v2("jcmd", "", List.of("x".repeat(300_000))))
                .isInstanceOf(ThawException.class);
    }
}
