package dev.thaw.python;

import dev.thaw.proc.MemoryBlockCache;
import dev.thaw.proc.MemoryUnreadableException;
import dev.thaw.proc.ProcessMemory;
import dev.thaw.snapshot.Frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks one thread's interpreter frames, innermost first.
 *
 * <p>Speed: frames of running functions live in the thread's data-stack chunks
 * ({@code _PyStackChunk {previous, size, top, data[]}}), so the walker copies each chunk with one
 * read and decodes frames from the copy, like CPython's own unwinder. Frames elsewhere (generator
 * and coroutine frames inside their objects, entry frames on the C stack) are read one by one.
 *
 * <p>Correctness: frames owned by the interpreter or the C stack (owner >= 3) are skipped, as
 * CPython's tracebacks do; {@code f_executable} is a tagged stack reference, so its low bits are
 * masked; every code object is type-checked and every instruction pointer must fall inside its
 * code. Anything inconsistent is a {@link TornReadException}: the caller re-reads the thread.
 */
final class FrameWalker {

    /** Frames owned by the interpreter (3) or, in 3.14, the C stack (4) are not Python frames. */
    private static final int FIRST_NON_PYTHON_OWNER = 3;
    /** _Py_TAG_BITS: 3 in GIL builds (1 in free-threaded builds, which the mask also covers). */
    private static final long TAG_MASK = ~3L;
    private static final int MAX_FRAMES = 200_000;
    private static final int MAX_CHUNKS = 4096;
    private static final long MAX_CHUNK_BYTES = 8L << 20;
    private static final long MAX_TOTAL_CHUNK_BYTES = 64L << 20;
    /** How far above its chunk the innermost frame may be for one combined read (default chunks are 16 KiB). */
    private static final long NEWEST_CHUNK_GUESS = 256 * 1024;

    private final ProcessMemory mem;
    private final DebugOffsets d;
    private final RemoteObjects objects;
    /** Frames outside the chunks (entry frames on the C stack) cluster within a few KB of each other. */
    private final MemoryBlockCache outside;

    /** Copies of this thread's chunks: start addresses and contents. */
    private final List<Long> chunkStarts = new ArrayList<>();
    private final List<ByteBuffer> chunkData = new ArrayList<>();

    FrameWalker(ProcessMemory mem, DebugOffsets d, RemoteObjects objects) {
        this.mem = mem;
        this.d = d;
        this.objects = objects;
        this.outside = new MemoryBlockCache(mem, 4096);
    }

    /**
     * @param firstFrame  {@code tstate->current_frame}
     * @param firstChunk  {@code tstate->datastack_chunk}
     * @param out         receives the frames, innermost first
     * @param addresses   receives each frame's address, in step with {@code out}
     */
    void walk(long firstFrame, long firstChunk, List<Frame> out, List<Long> addresses) {
        int frameSize = (int) d.frame().size();
        outside.clear();
        copyChunks(firstChunk, firstFrame, frameSize);
        long frame = firstFrame;
        for (int n = 0; frame != 0; n++) {
            if (n >= MAX_FRAMES || (frame & 7) != 0) {
                throw new TornReadException("frame chain");
            }
            ByteBuffer f = frameBytes(frame, frameSize);
            int base = f.position();
            long previous = f.getLong(base + (int) d.frame().previous());
            int owner = f.get(base + (int) d.frame().owner()) & 0xff;
            if (owner > 4) {
                throw new TornReadException("frame owner " + owner);
            }
            if (owner < FIRST_NON_PYTHON_OWNER) {
                long code = f.getLong(base + (int) d.frame().executable()) & TAG_MASK;
                if (code != 0) {
                    out.add(frame(code, f.getLong(base + (int) d.frame().instrPtr())));
                    addresses.add(frame);
                }
            }
            if (previous == frame) {
                throw new TornReadException("frame loop");
            }
            frame = previous;
        }
    }

    private Frame frame(long code, long instrPtr) {
        CodeInfo c = objects.code(code);
        long addrq = (instrPtr - (code + d.code().coCodeAdaptive())) / 2;
        if (addrq < 0 || addrq > c.codeUnits()) {
            throw new TornReadException("instruction pointer outside its code");
        }
        return c.frameAt(addrq);
    }

    private ByteBuffer frameBytes(long frame, int size) {
        for (int i = 0; i < chunkStarts.size(); i++) {
            long start = chunkStarts.get(i);
            ByteBuffer data = chunkData.get(i);
            if (frame >= start && frame + size <= start + data.limit()) {
                return data.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) (frame - start));
            }
        }
        return outside.read(frame, size);
    }

    /**
     * Copies the used part of each chunk. The newest chunk is read in one go together with its
     * header, up to the end of the innermost frame (the stack grows upwards); older chunks up to
     * their saved {@code top}. A frame not found in the copies is simply read on its own.
     */
    private void copyChunks(long chunk, long innermost, int frameSize) {
        chunkStarts.clear();
        chunkData.clear();
        long total = 0;
        for (int i = 0; chunk != 0 && i < MAX_CHUNKS; i++) {
            if ((chunk & 7) != 0) {
                throw new TornReadException("chunk pointer");
            }
            long guess = i == 0 && innermost > chunk && innermost - chunk < NEWEST_CHUNK_GUESS
                    ? innermost + frameSize - chunk : 24;
            ByteBuffer copy = readChunk(chunk, (int) guess);
            long previous = copy.getLong(0);
            long size = copy.getLong(8);
            long top = copy.getLong(16);
            if (size < 24 || size > MAX_CHUNK_BYTES || (total += size) > MAX_TOTAL_CHUNK_BYTES) {
                throw new TornReadException("chunk size " + size);
            }
            long used;
            if (i == 0) {
                used = guess > 24 && guess <= size ? guess : Math.min(size, NEWEST_CHUNK_GUESS);
            } else {
                used = top >= 0 && 24 + top * 8 <= size ? 24 + top * 8 : size;
            }
            if (used != copy.limit()) {
                copy = readChunk(chunk, (int) used);
            }
            chunkStarts.add(chunk);
            chunkData.add(copy);
            chunk = previous;
        }
    }

    private ByteBuffer readChunk(long chunk, int length) {
        ByteBuffer copy = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        try {
            mem.read(chunk, copy);
        } catch (MemoryUnreadableException e) {
            throw new TornReadException("chunk vanished");
        }
        return copy.flip();
    }
}
