package dev.thaw.agent;

import java.nio.file.Files;
import java.nio.file.Paths;

/** Facts about the current thread that Java 8 has no API for, read from /proc. */
final class Self {

    private Self() {
    }

    /**
     * The kernel thread id of the calling thread as this JVM sees it ({@code /proc/thread-self} is
     * {@code <pid>/task/<tid>}), or -1 when /proc does not say (Linux before 3.17).
     */
    static long nativeTid() {
        try {
            String link = Files.readSymbolicLink(Paths.get("/proc/thread-self")).toString();
            return Long.parseLong(link.substring(link.lastIndexOf('/') + 1));
        } catch (Throwable e) {
            return -1;
        }
    }
}
