package dev.thaw.jvm.attach;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * One request/reply exchange over a JVM's attach socket, with every step (connect, send, each
 * read) bounded by the same deadline: a non-blocking UNIX channel driven by a selector, so a
 * JVM that never answers costs us the deadline and nothing more.
 *
 * <p>Reads are large (256 KiB at a time) and continuous: a JDK 24+ JVM streaming a thread dump
 * over protocol v1 writes it while the whole VM is at a safepoint, so a slow reader would
 * stretch the pause (a reader stalled 3 s made a 3 s stop-the-world pause on JDK 25).
 */
final class AttachSocket {

    private static final int READ_CHUNK = 256 * 1024;

    /** Where an exchange failed, so the caller can explain it. */
    enum Phase { CONNECT, SEND, STATUS, BODY }

    /** An exchange that failed; {@link #timedOut} tells a deadline from an I/O error. */
    static final class ExchangeException extends IOException {
        final Phase phase;
        final boolean timedOut;

        ExchangeException(Phase phase, boolean timedOut, String message, Throwable cause) {
            super(message, cause);
            this.phase = phase;
            this.timedOut = timedOut;
        }
    }

    private AttachSocket() {
    }

    static AttachReply exchange(Path socket, byte[] request, Deadline deadline, int maxReplyBytes)
            throws ExchangeException {
        Phase phase = Phase.CONNECT;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            SelectionKey key = ch.register(selector, 0);
            if (!ch.connect(UnixDomainSocketAddress.of(socket))) {
                await(selector, key, SelectionKey.OP_CONNECT, deadline, phase);
                ch.finishConnect();
            }

            phase = Phase.SEND;
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) {
                    await(selector, key, SelectionKey.OP_WRITE, deadline, phase);
                }
            }

            phase = Phase.STATUS;
            ByteBuffer in = ByteBuffer.allocate(READ_CHUNK);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            Integer status = null;
            StringBuilder statusLine = new StringBuilder();
            boolean truncated = false;
            while (true) {
                int n = ch.read(in);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    await(selector, key, SelectionKey.OP_READ, deadline, phase);
                    continue;
                }
                in.flip();
                if (status == null) {
                    while (in.hasRemaining() && status == null) {
                        char c = (char) in.get();
                        if (c == '\n') {
                            status = parseStatus(statusLine.toString());
                            phase = Phase.BODY;
                        } else if (statusLine.length() < 16) {
                            statusLine.append(c);
                        } else {
                            throw new ExchangeException(phase, false, "not an attach reply: "
                                    + statusLine, null);
                        }
                    }
                }
                int take = Math.min(in.remaining(), maxReplyBytes - body.size());
                body.write(in.array(), in.position(), take);
                in.clear();
                if (body.size() >= maxReplyBytes) {
                    truncated = true; // closing the channel below also releases a streaming JVM
                    break;
                }
            }
            if (status == null) {
                if (statusLine.length() > 0) {
                    status = parseStatus(statusLine.toString());
                } else {
                    throw new ExchangeException(phase, false, "the JVM closed the connection without a reply", null);
                }
            }
            return new AttachReply(status, body.toByteArray(), truncated);
        } catch (ExchangeException e) {
            throw e;
        } catch (IOException e) {
            throw new ExchangeException(phase, false, String.valueOf(e.getMessage()), e);
        }
    }

    private static int parseStatus(String line) throws ExchangeException {
        try {
            return Integer.parseInt(line.trim());
        } catch (NumberFormatException e) {
            throw new ExchangeException(Phase.STATUS, false, "not an attach reply status: " + line, e);
        }
    }

    private static void await(Selector selector, SelectionKey key, int ops, Deadline deadline, Phase phase)
            throws IOException {
        key.interestOps(ops);
        while (true) {
            long ms = deadline.remainingMillis();
            if (ms == 0) {
                throw new ExchangeException(phase, true, "deadline of " + deadline.total().toMillis()
                        + " ms passed", null);
            }
            selector.selectedKeys().clear();
            if (selector.select(ms) > 0) {
                return;
            }
        }
    }
}
