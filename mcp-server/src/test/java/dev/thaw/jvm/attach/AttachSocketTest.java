package dev.thaw.jvm.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket layer against real UNIX sockets whose other end misbehaves on purpose: silent,
 * or talking too much. (A live JVM cannot be made to do either on demand.)
 */
class AttachSocketTest {

    @TempDir
    Path dir;

    @Test
    void aSilentPeerCostsTheDeadline() throws Exception {
        Path sock = dir.resolve("silent");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            long start = System.nanoTime();
            assertThatThrownBy(() -> AttachSocket.exchange(sock, AttachRequest.v1("jcmd", List.of("VM.version")),
                    Deadline.in(Duration.ofMillis(300)), 1 << 20))
                    .isInstanceOfSatisfying(AttachSocket.ExchangeException.class, e -> {
                        assertThat(e.timedOut).isTrue();
                        assertThat(e.phase).isEqualTo(AttachSocket.Phase.STATUS);
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(290), Duration.ofMillis(1500));
        }
    }

    @Test
    void aReplyIsCutAtTheLimit() throws Exception {
        Path sock = dir.resolve("chatty");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread peer = new Thread(() -> {
                try (SocketChannel ch = server.accept()) {
                    ch.read(ByteBuffer.allocate(4096));
                    ch.write(ByteBuffer.wrap("0\n".getBytes(StandardCharsets.UTF_8)));
                    ByteBuffer junk = ByteBuffer.wrap(new byte[64 * 1024]);
                    for (int i = 0; i < 100; i++) {
                        junk.rewind();
                        while (junk.hasRemaining()) {
                            ch.write(junk);
                        }
                    }
                } catch (Exception expected) {
                    // we close early: broken pipe here is the point
                }
            });
            peer.start();
            AttachReply r = AttachSocket.exchange(sock, AttachRequest.v1("jcmd", List.of("x")),
                    Deadline.in(Duration.ofSeconds(5)), 100_000);
            assertThat(r.ok()).isTrue();
            assertThat(r.truncated()).isTrue();
            assertThat(r.output()).hasSize(100_000);
            peer.join(5000);
        }
        assertThat(Files.exists(sock)).isTrue();
    }

    @Test
    void noListenerIsAConnectFailure() {
        assertThatThrownBy(() -> AttachSocket.exchange(dir.resolve("absent"), new byte[] {'1', 0},
                Deadline.in(Duration.ofSeconds(1)), 1024))
                .isInstanceOfSatisfying(AttachSocket.ExchangeException.class,
                        e -> assertThat(e.phase).isEqualTo(AttachSocket.Phase.CONNECT));
    }
}
