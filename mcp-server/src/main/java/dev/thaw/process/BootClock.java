package dev.thaw.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Converts /proc start times (clock ticks since boot) to wall-clock instants. */
public final class BootClock {

    /** USER_HZ: 100 on every Linux architecture thaw runs on (the kernel fixes it for /proc). */
    static final long TICKS_PER_SECOND = 100;

    private final long bootEpochSeconds;

    public BootClock() {
        this(readBtime(Path.of("/proc/stat")));
    }

    BootClock(long bootEpochSeconds) {
        this.bootEpochSeconds = bootEpochSeconds;
    }

    public Instant toInstant(long startTicks) {
        long millis = startTicks * 1000 / TICKS_PER_SECOND;
        return Instant.ofEpochSecond(bootEpochSeconds).plusMillis(millis);
    }

    static long readBtime(Path procStat) {
        try {
            for (String line : Files.readAllLines(procStat)) {
                if (line.startsWith("btime ")) {
                    return Long.parseLong(line.substring(6).trim());
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // fall through
        }
        return 0;
    }
}
