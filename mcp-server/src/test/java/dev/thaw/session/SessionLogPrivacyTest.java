package dev.thaw.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Large outputs go to private sidecar files named by hash; small ones stay inline. */
class SessionLogPrivacyTest {

    @TempDir
    Path dir;

    @Test
    void largeOutputsGoToAPrivateSidecarNamedByTheirHash() throws Exception {
        SessionRecorder rec = new SessionRecorder(SessionLog.open(dir.resolve("s.jsonl")), Map.of());
        byte[] big = new byte[Payloads.INLINE_MAX + 1];
        Arrays.fill(big, (byte) 'x');
        rec.output("i", 0, big, false);
        rec.output("i", big.length, "tail".getBytes(), true);
        String sha = Sha256.hex(big);
        Path side = dir.resolve("s." + sha + ".out");
        assertThat(side).exists();
        assertThat(Files.readAllBytes(side)).isEqualTo(big);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(side))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("s.jsonl")))).isEqualTo("rw-------");
        String log = Files.readString(dir.resolve("s.jsonl"));
        assertThat(log).contains("\"sidecar\":\"s." + sha + ".out\"").contains("\"text\":\"tail\"").doesNotContain("xxxxxxxx");
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void nonUtf8OutputIsKeptExactlyAsBase64() throws Exception {
        SessionRecorder rec = new SessionRecorder(SessionLog.open(dir.resolve("b.jsonl")), Map.of());
        rec.output("i", 0, new byte[] {(byte) 0xff, 0, 'a'}, false);
        assertThat(Files.readString(dir.resolve("b.jsonl"))).contains("\"base64\":\"/wBh\"");
    }

    @Test
    void longArgumentsAreCutInCallRecordsOnly() throws Exception {
        SessionRecorder rec = new SessionRecorder(SessionLog.open(dir.resolve("a.jsonl")), Map.of());
        String code = "x".repeat(SessionRecorder.MAX_ARGUMENT_CHARS + 10);
        rec.toolCallStarted("inject_script", Map.of("code", code, "pid", 1));
        assertThat(Files.readString(dir.resolve("a.jsonl"))).contains("…[10 more characters]").doesNotContain(code);
    }
}
