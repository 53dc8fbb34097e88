package dev.thaw.python.greenlet;

import dev.thaw.proc.ProcFs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Which pages of a range hold data, from {@code /proc/PID/pagemap} (one 64-bit entry per page: bit
 * 63 present, bit 62 swapped). A page that is neither was never written: it reads as zeros and can
 * hold no object. When pagemap cannot be read, every page counts as populated.
 */
final class Pagemap implements AutoCloseable {

    private static final int PAGE = 4096;
    private static final long PRESENT_OR_SWAPPED = 3L << 62;
    /** Entries read at once (8 bytes each): 512 KiB of entries cover 256 MiB of memory. */
    private static final int ENTRIES = 1 << 16;

    private final FileChannel channel;
    private final ByteBuffer entries = ByteBuffer.allocateDirect(ENTRIES * 8).order(ByteOrder.LITTLE_ENDIAN);

    private Pagemap(FileChannel channel) {
        this.channel = channel;
    }

    static Pagemap open(ProcFs procFs, int pid) {
        try {
            return new Pagemap(FileChannel.open(procFs.pidDir(pid).resolve("pagemap"), StandardOpenOption.READ));
        } catch (IOException | RuntimeException e) {
            return new Pagemap(null);
        }
    }

    /** The runs {start, end} of populated pages in [start, end), in order. */
    List<long[]> populated(long start, long end) {
        List<long[]> runs = new ArrayList<>();
        if (channel == null) {
            runs.add(new long[]{start, end});
            return runs;
        }
        long runStart = -1;
        for (long page = start; page < end; ) {
            int want = (int) Math.min(ENTRIES, (end - page) / PAGE);
            entries.clear().limit(want * 8);
            try {
                while (entries.hasRemaining() && channel.read(entries, (page / PAGE) * 8 + entries.position()) > 0) {
                    // positional reads until the batch is complete
                }
            } catch (IOException e) {
                runs.clear();
                runs.add(new long[]{start, end});
                return runs;
            }
            int got = entries.position() / 8;
            if (got == 0) {
                break;
            }
            for (int i = 0; i < got; i++, page += PAGE) {
                boolean used = (entries.getLong(i * 8) & PRESENT_OR_SWAPPED) != 0;
                if (used && runStart < 0) {
                    runStart = page;
                } else if (!used && runStart >= 0) {
                    runs.add(new long[]{runStart, page});
                    runStart = -1;
                }
            }
        }
        if (runStart >= 0) {
            runs.add(new long[]{runStart, end});
        }
        return runs;
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
    }
}
