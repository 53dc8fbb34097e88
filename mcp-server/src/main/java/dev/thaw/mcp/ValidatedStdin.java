package dev.thaw.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The server's stdin as the MCP SDK reads it: only lines that are JSON-RPC messages the SDK can take
 * pass through. The SDK's stdio transport (2.1.0) ends the session at the first line it cannot
 * deserialize, and the server exits; here every other line is answered with the JSON-RPC error the
 * specification prescribes ({@link JsonRpcLineCheck}) and dropped, and reading goes on.
 *
 * <p>The answers are written to the protocol stream while holding its monitor: the SDK writes each of
 * its messages inside {@code synchronized (outputStream)} on the same stream object, so lines never
 * interleave. Reading happens on the SDK's inbound thread, the one that called {@link #read}.
 *
 * <p>Lines end at LF (a CR before it is dropped). A line longer than {@link #MAX_LINE} bytes is
 * discarded as it streams in, never held whole, and answered as an invalid request.
 */
public final class ValidatedStdin extends InputStream {

    private static final Logger LOG = LoggerFactory.getLogger(ValidatedStdin.class);

    /** The SDK refuses lines over 16 MiB characters; a line within this many bytes is within that. */
    static final int MAX_LINE = 16 * 1024 * 1024;

    private final InputStream in;
    private final OutputStream protocolOut;
    private final JsonRpcLineCheck check;
    private final int maxLine;
    private volatile CompletableFuture<?> ready;

    private final byte[] buf = new byte[64 * 1024];
    private int bufPos;
    private int bufEnd;
    private boolean eof;

    /** The line being assembled from {@link #buf}. */
    private byte[] acc = new byte[8 * 1024];
    private int accLen;
    private boolean accTooLong;

    /** The current accepted line, handed out by {@link #read}, newline included. */
    private byte[] line = new byte[0];
    private int linePos;

    public ValidatedStdin(InputStream in, OutputStream protocolOut, McpJsonMapper json) {
        this(in, protocolOut, json, MAX_LINE);
    }

    ValidatedStdin(InputStream in, OutputStream protocolOut, McpJsonMapper json, int maxLine) {
        this.in = in;
        this.protocolOut = protocolOut;
        this.check = new JsonRpcLineCheck(json);
        this.maxLine = maxLine;
    }

    /**
     * Holds every message but {@code initialize} until {@code ready} completes: the server answers
     * the handshake while it is still registering its tools, and a {@code tools/list} (or any other
     * request) waits for them instead of seeing a partial list.
     */
    public ValidatedStdin holdUntil(CompletableFuture<?> ready) {
        this.ready = ready;
        return this;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (linePos == line.length) {
            if (!nextAcceptedLine()) {
                return -1;
            }
        }
        int n = Math.min(len, line.length - linePos);
        System.arraycopy(line, linePos, b, off, n);
        linePos += n;
        return n;
    }

    @Override
    public int available() {
        return line.length - linePos;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads raw lines until one passes; answers the others. False at the end of stdin. */
    private boolean nextAcceptedLine() throws IOException {
        while (readRawLine()) {
            if (accTooLong) {
                answer(check.tooLong(maxLine), "a message over " + maxLine + " bytes");
                continue;
            }
            int len = accLen;
            if (len > 0 && acc[len - 1] == '\r') {
                len--;
            }
            String text = new String(acc, 0, len, StandardCharsets.UTF_8);
            JsonRpcLineCheck.Verdict verdict = check.check(text);
            if (verdict.passes()) {
                CompletableFuture<?> gate = ready;
                if (gate != null && !"initialize".equals(verdict.method())) {
                    gate.exceptionally(e -> null).join();
                }
                // The SDK also ends a line at a lone CR; outside JSON strings a CR is whitespace, and
                // inside them a raw CR is not valid JSON (the check refused it), so a space keeps it whole.
                line = Arrays.copyOf(acc, len + 1);
                for (int i = 0; i < len; i++) {
                    if (line[i] == '\r') {
                        line[i] = ' ';
                    }
                }
                line[len] = '\n';
                linePos = 0;
                return true;
            }
            answer(verdict.error(), text);
        }
        return false;
    }

    /** Assembles the next line into {@link #acc}; false when stdin ended with nothing left. */
    private boolean readRawLine() throws IOException {
        accLen = 0;
        accTooLong = false;
        boolean any = false;
        while (true) {
            if (bufPos == bufEnd) {
                if (eof) {
                    return any;
                }
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    eof = true;
                    return any;
                }
                bufPos = 0;
                bufEnd = n;
                continue;
            }
            any = true;
            int newline = -1;
            for (int i = bufPos; i < bufEnd; i++) {
                if (buf[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int segmentEnd = newline < 0 ? bufEnd : newline;
            append(bufPos, segmentEnd - bufPos);
            bufPos = newline < 0 ? bufEnd : newline + 1;
            if (newline >= 0) {
                return true;
            }
        }
    }

    private void append(int from, int count) {
        if (accTooLong || count == 0) {
            return;
        }
        if ((long) accLen + count > maxLine) {
            accTooLong = true;
            accLen = 0;
            acc = new byte[8 * 1024];
            return;
        }
        if (accLen + count > acc.length) {
            acc = Arrays.copyOf(acc, Math.max(accLen + count, Math.min(maxLine, acc.length * 2)));
        }
        System.arraycopy(buf, from, acc, accLen, count);
        accLen += count;
    }

    private void answer(String error, String refused) throws IOException {
        String shown = refused.length() > 120 ? refused.substring(0, 120) + "..." : refused;
        LOG.warn("refused a line on stdin that is no MCP message ({}): {}", shown.isEmpty() ? "empty line" : shown, error);
        if (error.isEmpty()) {
            return;
        }
        byte[] bytes = (error + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (protocolOut) {
            protocolOut.write(bytes);
            protocolOut.flush();
        }
    }
}
