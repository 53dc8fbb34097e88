package dev.thaw.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * What the probe writes: UTF-8, capped, streamed to {@code output.part} (so the server can show
 * output while the probe runs) and renamed to {@code output} at the end. Bytes beyond the cap are
 * counted, not kept. Thread-safe: a probe may hand {@code out} to threads of its own. Never
 * throws: a failing disk or a removed directory only loses output.
 */
final class OutputSink extends Writer {

    private static final Charset UTF8 = Charset.forName("UTF-8");
    private static final int FLUSH_BYTES = 64 * 1024;
    private static final long FLUSH_NANOS = 200000000L;

    private final Path dir;
    private final long cap;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private OutputStream file;
    private long kept;
    private long dropped;
    private long lastFlush = System.nanoTime();
    private boolean closed;

    OutputSink(Path dir, long cap) {
        this.dir = dir;
        this.cap = cap;
        try {
            file = Files.newOutputStream(dir.resolve("output.part"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            file = null;
        }
    }

    @Override
    public synchronized void write(char[] cbuf, int off, int len) {
        if (closed || len <= 0) {
            return;
        }
        byte[] b = new String(cbuf, off, len).getBytes(UTF8);
        long room = cap - kept;
        int n = b.length;
        if (n > room) {
            n = (int) Math.max(0, room);
            while (n > 0 && n < b.length && (b[n] & 0xC0) == 0x80) {
                n--; // never keep half a character
            }
            dropped += b.length - n;
        }
        if (n > 0) {
            buffer.write(b, 0, n);
            kept += n;
        }
        if (buffer.size() >= FLUSH_BYTES || System.nanoTime() - lastFlush >= FLUSH_NANOS) {
            drain();
        }
    }

    @Override
    public synchronized void flush() {
        if (!closed) {
            drain();
        }
    }

    /** The probe cannot close its output; the agent does, at the end. */
    @Override
    public void close() {
        flush();
    }

    private void drain() {
        lastFlush = System.nanoTime();
        if (buffer.size() == 0 || file == null) {
            buffer.reset();
            return;
        }
        try {
            buffer.writeTo(file);
            file.flush();
        } catch (IOException e) {
            file = null; // the directory is gone; keep counting, stop writing
        }
        buffer.reset();
    }

    /** Flushes, closes and renames {@code output.part} to {@code output}. Later writes are dropped. */
    synchronized void finish() {
        if (closed) {
            return;
        }
        drain();
        closed = true;
        if (file != null) {
            try {
                file.close();
                try {
                    Files.move(dir.resolve("output.part"), dir.resolve("output"), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(dir.resolve("output.part"), dir.resolve("output"), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                // the directory is gone
            }
            file = null;
        }
    }

    synchronized long kept() {
        return kept;
    }

    synchronized long dropped() {
        return dropped;
    }
}
