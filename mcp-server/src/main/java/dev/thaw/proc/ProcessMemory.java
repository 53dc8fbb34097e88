package dev.thaw.proc;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;

/**
 * Positional reads of another process's memory through {@code /proc/PID/mem}.
 *
 * <p>Reading never stops or signals the target. Opening needs ptrace-attach access (same user and
 * dumpable target, or CAP_SYS_PTRACE, and Yama's blessing); a refusal is explained by
 * {@link PtraceAccess}. Values are little-endian (x86-64 and aarch64, the only targets).
 *
 * <p>Not thread-safe: it reuses one scratch buffer. Use one instance per reading thread.
 */
public final class ProcessMemory implements AutoCloseable {

    /** How the memory file is opened. READ_WRITE is for PEP 768 delivery only (a few bytes of thread state). */
    public enum Mode {
        READ(StandardOpenOption.READ),
        // READ+WRITE without CREATE: /proc/PID/mem must never be created or truncated.
        READ_WRITE(StandardOpenOption.READ, StandardOpenOption.WRITE);

        private final OpenOption[] options;

        Mode(OpenOption... options) {
            this.options = options;
        }
    }

    private static final int SCRATCH = 64 * 1024;

    private final int pid;
    private final ProcFs procFs;
    private final FileChannel channel;
    /**
     * A closed instance's scratch buffer, for the next one opened on the same thread: allocating
     * (and zeroing) 64 KiB of direct memory costs about as much as reading a hundred threads'
     * kernel states, and would be paid on every snapshot and every injection.
     */
    private static final ThreadLocal<ByteBuffer> SPARE = new ThreadLocal<>();

    private final ByteBuffer scratch = takeScratch();
    private boolean closed;
    private long readCalls;
    private long bytesRead;

    private ProcessMemory(int pid, ProcFs procFs, FileChannel channel) {
        this.pid = pid;
        this.procFs = procFs;
        this.channel = channel;
    }

    public static ProcessMemory open(int pid) {
        return open(ProcFs.system(), pid, Mode.READ);
    }

    public static ProcessMemory open(ProcFs procFs, int pid, Mode mode) {
        try {
            return new ProcessMemory(pid, procFs, FileChannel.open(procFs.pidDir(pid).resolve("mem"), mode.options));
        } catch (NoSuchFileException e) {
            throw new ProcessGoneException(pid);
        } catch (FileSystemException e) {
            if (gone(procFs, pid)) {
                throw new ProcessGoneException(pid);
            }
            PtraceVerdict v = PtraceAccess.explain(procFs, pid, e);
            throw new ThawException(ErrorCode.PERMISSION_DENIED, "Cannot read the memory of process " + pid + ": "
                    + v.reason(), v.fix(), e);
        } catch (IOException e) {
            if (gone(procFs, pid)) {
                throw new ProcessGoneException(pid);
            }
            throw new ThawException(ErrorCode.MEMORY_UNREADABLE, "Cannot open /proc/" + pid + "/mem: " + e.getMessage(),
                    "Check that /proc is mounted and that the process is alive; `thaw doctor " + pid
                            + "` shows what fails.", e);
        }
    }

    public int pid() {
        return pid;
    }

    /** System calls made so far (for benchmarks and tuning). */
    public long readCalls() {
        return readCalls;
    }

    public long bytesRead() {
        return bytesRead;
    }

    /** Fills {@code dst} from its position to its limit with the bytes at {@code address}. */
    public void read(long address, ByteBuffer dst) {
        int want = dst.remaining();
        if (address < 0 || address + want < 0) {
            // FileChannel positions are signed; such addresses are kernel space anyway
            throw new MemoryUnreadableException(pid, address, want, "address outside user space");
        }
        long pos = address;
        while (dst.hasRemaining()) {
            int n;
            readCalls++;
            try {
                n = channel.read(dst, pos);
            } catch (IOException e) {
                throw failure(address, want, e.getMessage());
            }
            bytesRead += Math.max(n, 0);
            if (n <= 0) {
                // /proc/PID/mem answers 0 bytes only when the target's address space is gone: it
                // has exited or is exiting (an unmapped address is EIO instead).
                throw new ProcessGoneException(pid);
            }
            pos += n;
        }
    }

    /**
     * Reads up to {@code dst.remaining()} bytes and returns how many were readable before the first
     * unreadable page (used to scan whole mappings whose tail may be unmapped).
     */
    public int readAtMost(long address, ByteBuffer dst) {
        int start = dst.position();
        long pos = address;
        while (dst.hasRemaining()) {
            int n;
            readCalls++;
            try {
                n = channel.read(dst, pos);
            } catch (IOException e) {
                break;
            }
            bytesRead += Math.max(n, 0);
            if (n <= 0) {
                throw new ProcessGoneException(pid); // address space gone, see read()
            }
            pos += n;
        }
        int got = dst.position() - start;
        if (got == 0 && gone(procFs, pid)) {
            throw new ProcessGoneException(pid);
        }
        return got;
    }

    public byte[] bytes(long address, int length) {
        byte[] out = new byte[length];
        if (length <= SCRATCH) {
            ByteBuffer b = scratch(length);
            read(address, b);
            b.flip();
            b.get(out);
        } else {
            read(address, ByteBuffer.wrap(out));
        }
        return out;
    }

    /**
     * Reads {@code length} bytes into a little-endian view that stays valid until the next read on
     * this instance. Saves an allocation per read for hot paths.
     */
    public ByteBuffer view(long address, int length) {
        if (length > SCRATCH) {
            ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            read(address, b);
            return b.flip();
        }
        ByteBuffer b = scratch(length);
        read(address, b);
        return b.flip();
    }

    public long readLong(long address) {
        return view(address, 8).getLong(0);
    }

    /** A pointer is a 64-bit address on every platform thaw supports. */
    public long readPointer(long address) {
        return readLong(address);
    }

    public int readInt(long address) {
        return view(address, 4).getInt(0);
    }

    public byte readByte(long address) {
        return view(address, 1).get(0);
    }

    /**
     * Writes all of {@code src} at {@code address}. Only for the few bytes of PEP 768 delivery: the
     * memory must have been opened with {@link Mode#READ_WRITE}. The target keeps running; each
     * write is one positional pwrite, so a single byte is replaced atomically.
     */
    public void write(long address, ByteBuffer src) {
        int want = src.remaining();
        if (address < 0 || address + want < 0) {
            throw new MemoryUnreadableException(pid, address, want, "address outside user space");
        }
        long pos = address;
        while (src.hasRemaining()) {
            int n;
            try {
                n = channel.write(src, pos);
            } catch (java.nio.channels.NonWritableChannelException e) {
                throw new IllegalStateException("process memory of " + pid + " was opened read-only", e);
            } catch (IOException e) {
                throw failure(address, want, "write failed: " + e.getMessage());
            }
            if (n <= 0) {
                throw failure(address, want, "write made no progress");
            }
            pos += n;
        }
    }

    public void writeBytes(long address, byte[] bytes) {
        write(address, ByteBuffer.wrap(bytes));
    }

    public void writeInt(long address, int value) {
        write(address, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value));
    }

    public void writeByte(long address, byte value) {
        write(address, ByteBuffer.wrap(new byte[] {value}));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // nothing useful to do: the descriptor is released either way
        }
        if (SPARE.get() == null) {
            SPARE.set(scratch); // reads on this instance fail from now on (closed channel) before touching it
        }
    }

    private static ByteBuffer takeScratch() {
        ByteBuffer b = SPARE.get();
        if (b != null) {
            SPARE.set(null);
            return b;
        }
        return ByteBuffer.allocateDirect(SCRATCH).order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer scratch(int length) {
        scratch.clear().limit(length);
        return scratch;
    }

    private ThawException failure(long address, int length, String why) {
        if (gone(procFs, pid)) {
            return new ProcessGoneException(pid);
        }
        return new MemoryUnreadableException(pid, address, length, why);
    }

    private static boolean gone(ProcFs procFs, int pid) {
        if (!procFs.exists(pid)) {
            return true;
        }
        try {
            return procFs.stat(pid).state() == 'Z' || procFs.stat(pid).state() == 'X';
        } catch (ProcessGoneException e) {
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
