package dev.thaw.python.greenlet;

import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds every C++ greenlet object by its vtable pointer: greenlet has no registry, but each
 * {@code greenlet::Greenlet} is allocated with {@code PyObject_Malloc} (a pymalloc arena or the
 * heap, both anonymous writable memory) and starts with one of three known vtable pointers. The scan
 * reads memory in 1 MiB blocks and compares 16-byte-aligned words (pymalloc blocks and glibc malloc
 * chunks are 16-byte aligned on x86-64, so an object never starts elsewhere); the caller rejects
 * stale hits (freed objects) with the two-way back-pointer check. Pages that were never touched
 * (neither present nor swapped, per {@code /proc/PID/pagemap}) hold no objects and are skipped,
 * as are the threads' stacks.
 */
final class VtableScan {

    private static final int BLOCK = 1 << 20;
    /** Memory scanned at most; beyond, the answer says greenlets may be missing. */
    static final long BUDGET = 1L << 30;

    /** Hits and whether the whole candidate memory was scanned. */
    record Result(List<Long> hits, boolean complete, long scannedBytes) {
    }

    private VtableScan() {
    }

    /**
     * @param skip addresses whose mapping is not scanned (the threads' {@code pthread_self()}: their
     *             stacks, which hold no heap objects and are 8 MiB each by default)
     */
    static Result scan(ProcFs procFs, int pid, ProcessMemory mem, List<MemoryMap> maps, List<Long> skip,
                       long... vptrs) {
        List<Long> hits = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long v : vptrs) {
            if (v != 0) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        long scanned = 0;
        boolean complete = true;
        try (Pagemap pages = Pagemap.open(procFs, pid)) {
            for (MemoryMap m : maps) {
                if (!candidate(m) || skip.stream().anyMatch(m::contains)) {
                    continue;
                }
                for (long[] run : pages.populated(m.start(), m.end())) {
                    for (long at = run[0]; at < run[1]; at += BLOCK) {
                        if (scanned >= BUDGET) {
                            return new Result(hits, false, scanned);
                        }
                        int want = (int) Math.min(BLOCK, run[1] - at);
                        buf.clear().limit(want);
                        int got;
                        try {
                            got = mem.readAtMost(at, buf);
                        } catch (RuntimeException e) {
                            complete = false; // unmapped meanwhile
                            break;
                        }
                        scanned += got;
                        LongBuffer words = buf.flip().asLongBuffer();
                        int n = got / 8;
                        for (int i = 0; i < n; i += 2) {
                            long w = words.get(i);
                            if (w >= min && w <= max) {
                                for (long v : vptrs) {
                                    if (w == v && v != 0) {
                                        hits.add(at + 8L * i);
                                    }
                                }
                            }
                        }
                        if (got < want) {
                            break;
                        }
                    }
                }
            }
        }
        return new Result(hits, complete, scanned);
    }

    /** Anonymous (or heap) readable, writable, private memory: where pymalloc and malloc put objects. */
    private static boolean candidate(MemoryMap m) {
        if (!m.readable() || !m.writable() || m.perms().length() < 4 || m.perms().charAt(3) != 'p') {
            return false;
        }
        String p = m.path();
        return p.isEmpty() || p.equals("[heap]");
    }
}
