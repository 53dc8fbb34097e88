package dev.thaw.jvm.probe;

import dev.thaw.proc.ProcFs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A target's {@code java.class.path} as paths thaw can read: absolute entries under
 * {@code /proc/PID/root}, relative ones under {@code /proc/PID/cwd} (the target's working
 * directory, in its own mount namespace). Entries that do not exist are left out.
 *
 * <p>What this cannot give the compiler: classes inside nested jars (Spring Boot's
 * {@code BOOT-INF/lib}) and classes of custom loaders (app servers, OSGi). Probes reach those
 * through reflection on the loaded classes.
 */
public final class TargetClassPath {

    private TargetClassPath() {
    }

    public static List<Path> resolve(ProcFs proc, int pid, String classPath) {
        List<Path> out = new ArrayList<>();
        if (classPath == null || classPath.isBlank()) {
            return out;
        }
        for (String entry : classPath.split(":")) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = entry.startsWith("/") ? proc.inTargetRoot(pid, entry)
                    : proc.pidDir(pid).resolve("cwd").resolve(entry);
            if (Files.exists(p)) {
                out.add(p);
            }
        }
        return out;
    }
}
