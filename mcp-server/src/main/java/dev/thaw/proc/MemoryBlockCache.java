package dev.thaw.proc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * A read-through cache of aligned blocks of a process's memory, for one pass of a reader.
 *
 * <p>Each {@code pread} of {@code /proc/PID/mem} costs a few microseconds whatever its size up to
 * a few pages, so reading a whole aligned block when one small structure is needed pays off as
 * soon as a second structure lies in the same block (thread states allocated one after another,
 * interpreter entry frames on one thread's C stack). The cached bytes are a snapshot of the
 * moment they were read: use one cache per pass and {@link #clear()} it when freshness matters.
 */
public final class MemoryBlockCache {

    private final ProcessMemory mem;
    private final int blockSize;
    private final Map<Long, ByteBuffer> blocks = new HashMap<>();

    /** @param blockSize a power of two, e.g. 4096 or 16384 */
    public MemoryBlockCache(ProcessMemory mem, int blockSize) {
        if (Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two: " + blockSize);
        }
        this.mem = mem;
        this.blockSize = blockSize;
    }

    /**
     * The {@code length} bytes at {@code address}, as a little-endian buffer positioned at them
     * (absolute reads relative to {@code position()}). Ranges that cross a block boundary, and
     * blocks that are not wholly readable, are read directly.
     */
    public ByteBuffer read(long address, int length) {
        long block = address & -(long) blockSize;
        if (length <= blockSize && address + length <= block + blockSize) {
            ByteBuffer b = blocks.get(block);
            if (b == null && !blocks.containsKey(block)) {
                b = fetch(block);
                blocks.put(block, b);
            }
            if (b != null) {
                return b.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) (address - block));
            }
        }
        return ByteBuffer.wrap(mem.bytes(address, length)).order(ByteOrder.LITTLE_ENDIAN);
    }

    public void clear() {
        blocks.clear();
    }

    /** The whole block, or null when part of it is unmapped (remembered, so we do not retry). */
    private ByteBuffer fetch(long block) {
        ByteBuffer b = ByteBuffer.allocate(blockSize).order(ByteOrder.LITTLE_ENDIAN);
        int got = mem.readAtMost(block, b);
        return got == blockSize ? b : null;
    }
}
