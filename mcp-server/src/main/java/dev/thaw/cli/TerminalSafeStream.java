package dev.thaw.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What the CLI writes to a terminal, with every character that could drive the terminal shown as an
 * escape instead: thread names, command lines, script output and error messages carry text the target
 * chose, and a raw ESC sequence in them could retitle the window, hide lines, move the cursor over
 * earlier output or (on some terminals) answer back into the shell's input.
 *
 * <p>Escaped, visibly: C0 controls except newline and tab (CR, BS and ESC included), DEL, C1 controls
 * (U+0080–U+009F, CSI among them), and the Unicode bidirectional overrides and isolates that reorder
 * what is shown (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), as {@code \u001b}; bytes that
 * are not UTF-8 as {@code \xNN} (a terminal in an 8-bit mode reads a lone 0x9B as CSI). The escapes are
 * also valid JSON escapes, so {@code --json} output stays valid JSON (Jackson never writes C0 controls
 * raw, and a C1 or bidi character inside a string becomes the same character escaped).
 */
final class TerminalSafeStream extends OutputStream {

    private final OutputStream out;
    /** A UTF-8 sequence started but not finished by the last write. */
    private final byte[] pending = new byte[4];
    private int pendingLen;
    private int pendingNeed;

    TerminalSafeStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        int runStart = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            int c = b[i] & 0xff;
            if (pendingNeed == 0 && c >= 0x20 && c < 0x7f) {
                continue; // printable ASCII: part of the run written as is
            }
            if (pendingNeed == 0 && (c == '\n' || c == '\t')) {
                continue;
            }
            out.write(b, runStart, i - runStart);
            runStart = i + 1;
            accept(c);
        }
        out.write(b, runStart, end - runStart);
    }

    private void accept(int c) throws IOException {
        if (pendingNeed > 0) {
            if ((c & 0xC0) != 0x80) {
                flushPendingAsBytes();
                accept(c);
                return;
            }
            pending[pendingLen++] = (byte) c;
            if (--pendingNeed == 0) {
                int cp = new String(pending, 0, pendingLen, StandardCharsets.UTF_8).codePointAt(0);
                boolean malformed = cp == 0xFFFD && !(pendingLen == 3 && (pending[0] & 0xff) == 0xEF
                        && (pending[1] & 0xff) == 0xBF && (pending[2] & 0xff) == 0xBD);
                if (malformed) {
                    flushPendingAsBytes(); // overlong or surrogate encodings
                    return;
                } else if (unsafe(cp)) {
                    escape(cp);
                } else {
                    out.write(pending, 0, pendingLen);
                }
                pendingLen = 0;
            }
            return;
        }
        if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t') {
            out.write(c); // after a broken sequence
        } else if (c < 0x80) {
            escape(c); // a C0 control or DEL
        } else if (c >= 0xC2 && c <= 0xDF) {
            start(c, 1);
        } else if (c >= 0xE0 && c <= 0xEF) {
            start(c, 2);
        } else if (c >= 0xF0 && c <= 0xF4) {
            start(c, 3);
        } else {
            escapeByte(c);
        }
    }

    private void start(int lead, int need) {
        pending[0] = (byte) lead;
        pendingLen = 1;
        pendingNeed = need;
    }

    private void flushPendingAsBytes() throws IOException {
        for (int i = 0; i < pendingLen; i++) {
            escapeByte(pending[i] & 0xff);
        }
        pendingLen = 0;
        pendingNeed = 0;
    }

    static boolean unsafe(int cp) {
        if (cp == '\n' || cp == '\t') {
            return false;
        }
        return Character.getType(cp) == Character.CONTROL
                || cp == 0x061C || cp == 0x200E || cp == 0x200F
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    }

    private void escape(int cp) throws IOException {
        out.write(String.format("\\u%04x", cp).getBytes(StandardCharsets.US_ASCII));
    }

    private void escapeByte(int b) throws IOException {
        out.write(String.format("\\x%02x", b).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        flushPendingAsBytes();
        out.close();
    }

    /** Escapes one string the same way (for text that does not go through the stream). */
    static String sanitize(String s) {
        var buffer = new java.io.ByteArrayOutputStream();
        try (TerminalSafeStream safe = new TerminalSafeStream(buffer)) {
            safe.write(s.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
