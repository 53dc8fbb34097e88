package dev.thaw.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A stderr that never blocks its writers. Writes go into a bounded buffer that a daemon thread
 * drains to file descriptor 2; when the reader of our stderr stalls (an MCP client that does not
 * drain it) the buffer fills and further bytes are dropped and counted, instead of blocking the
 * thread that logged — which could be a request handler, leaving the protocol on stdout stuck.
 */
final class StderrPump extends OutputStream {

    private static final int CAPACITY = 1 << 20;

    private static volatile StderrPump current;

    private final OutputStream sink;
    private final byte[] ring = new byte[CAPACITY];
    private int head;
    private int size;
    private long dropped;
    private boolean writing;

    private StderrPump(OutputStream sink) {
        this.sink = sink;
        Thread drainer = new Thread(this::drain, "thaw-stderr-pump");
        drainer.setDaemon(true);
        drainer.start();
    }

    /**
     * A PrintStream onto fd 2 that never blocks. What reaches stderr (error messages, log lines) may
     * quote the target, and stderr is usually a terminal: control characters are shown escaped.
     */
    static PrintStream create() {
        current = new StderrPump(new FileOutputStream(FileDescriptor.err));
        return new PrintStream(new TerminalSafeStream(current), true, StandardCharsets.UTF_8);
    }

    /**
     * Waits (bounded) until what was written has reached fd 2. Called before the process exits, so a
     * CLI error message is not lost with the daemon drainer; never called on a serving path.
     */
    static void drain(long timeoutMillis) {
        StderrPump pump = current;
        if (pump == null) {
            return;
        }
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (pump) {
            while ((pump.size > 0 || pump.writing) && System.currentTimeMillis() < deadline) {
                try {
                    pump.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int fits = Math.min(len, CAPACITY - size);
        for (int i = 0; i < fits; i++) {
            ring[(head + size + i) % CAPACITY] = b[off + i];
        }
        size += fits;
        dropped += len - fits;
        if (fits > 0) {
            notifyAll();
        }
    }

    private void drain() {
        byte[] chunk = new byte[64 * 1024];
        while (true) {
            int n;
            long lost;
            synchronized (this) {
                while (size == 0) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                n = Math.min(size, chunk.length);
                for (int i = 0; i < n; i++) {
                    chunk[i] = ring[(head + i) % CAPACITY];
                }
                head = (head + n) % CAPACITY;
                size -= n;
                lost = dropped;
                dropped = 0;
                writing = true;
            }
            try {
                if (lost > 0) {
                    sink.write(("\n[thaw: stderr reader too slow, " + lost + " bytes of log output dropped]\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
                sink.write(chunk, 0, n);
                sink.flush();
            } catch (IOException e) {
                // stderr closed: keep draining so writers never block, and drop everything.
            }
            synchronized (this) {
                writing = false;
                notifyAll();
            }
        }
    }
}
