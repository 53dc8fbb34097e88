package dev.thaw.inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What thaw does with each kind of entry a hostile user can leave where it expects a regular file. */
class SafeDirTest {

    @TempDir
    Path tmp;

    @Test
    void readsRegularFilesAndRefusesEverythingElseWithoutBlocking() throws Exception {
        Path d = Files.createDirectory(tmp.resolve("d"));
        Files.writeString(d.resolve("status.json"), "{\"state\":\"running\"}");
        Files.writeString(tmp.resolve("outside"), "root's secret");
        Files.createSymbolicLink(d.resolve("link"), tmp.resolve("outside"));
        Files.createDirectory(d.resolve("sub"));
        assertThat(new ProcessBuilder("mkfifo", d.resolve("fifo").toString()).start().waitFor(10, TimeUnit.SECONDS)).isTrue();
        try (SafeDir parent = SafeDir.openTrusted(tmp); SafeDir dir = parent.openDir("d")) {
            assertThat(new String(dir.read("status.json", 0, 100).orElseThrow())).isEqualTo("{\"state\":\"running\"}");
            assertThat(new String(dir.read("status.json", 10, 4).orElseThrow())).isEqualTo("runn");
            assertThat(dir.read("missing", 0, 100)).isEmpty();
            // A FIFO would block an ordinary open until a writer comes: refused before any open.
            assertThatThrownBy(() -> dir.read("fifo", 0, 100)).isInstanceOf(SafeDir.Tampered.class)
                    .hasMessageContaining("FIFO");
            assertThatThrownBy(() -> dir.read("link", 0, 100)).isInstanceOf(SafeDir.Tampered.class)
                    .hasMessageContaining("symbolic link");
            assertThatThrownBy(() -> dir.read("sub", 0, 100)).isInstanceOf(SafeDir.Tampered.class);
            assertThatThrownBy(() -> parent.openDir("outside")).isInstanceOf(SafeDir.Tampered.class);
            // Names are single components: nothing reaches outside the directory.
            assertThatThrownBy(() -> dir.read("../outside", 0, 100)).isInstanceOf(IllegalArgumentException.class);
            // O_EXCL creation never goes through a link, even a dangling one.
            Files.createSymbolicLink(d.resolve("claim"), tmp.resolve("created-through-link"));
            assertThat(dir.createEmpty("claim", InjectionDir.PRIVATE_MODE)).isFalse();
            assertThat(tmp.resolve("created-through-link")).doesNotExist();
            // Emptying removes links and FIFOs, never what they point to, and leaves subdirectories.
            assertThat(dir.emptyFiles()).isEqualTo(List.of("sub"));
            assertThat(tmp.resolve("outside")).hasContent("root's secret");
        }
        // A link in place of the directory itself is refused.
        Files.createSymbolicLink(tmp.resolve("swapped"), Files.createDirectory(tmp.resolve("victim")));
        try (SafeDir parent = SafeDir.openTrusted(tmp)) {
            assertThatThrownBy(() -> parent.openDir("swapped")).isInstanceOf(SafeDir.Tampered.class);
        }
    }

    @Test
    void aFifoSwappedInAfterTheLookIsRefusedByTheSeekNotWaitedOn() throws Exception {
        Path d = Files.createDirectory(tmp.resolve("d"));
        assertThat(new ProcessBuilder("mkfifo", d.resolve("fifo").toString()).start().waitFor(10, TimeUnit.SECONDS)).isTrue();
        try (SafeDir dir = SafeDir.openTrusted(d)) {
            // The open itself (read-write, as read() does after its look) returns at once on a FIFO;
            // the seek every read starts with then fails.
            try (var ch = Files.newByteChannel(d.resolve("fifo"), java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE)) {
                assertThatThrownBy(() -> ch.position(0)).isInstanceOf(java.io.IOException.class);
            }
            assertThat(dir.exists("fifo")).isTrue();
        }
    }
}
