package dev.thaw.session;

import dev.thaw.ErrorCode;
import dev.thaw.StateDirs;
import dev.thaw.ThawException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds a session log from what a person types: a path, a session name, or {@code latest}. */
public final class SessionFiles {

    private SessionFiles() {
    }

    public static Path resolve(String arg) {
        Path dir = StateDirs.sessions();
        if ("latest".equals(arg)) {
            return latest(dir).orElseThrow(() -> new ThawException(ErrorCode.LOG_NOT_FOUND, "No session log in " + dir + ".",
                    "Run `thaw serve` (or `thaw demo`) first, or pass the path of a log."));
        }
        Path p = Path.of(arg);
        if (Files.exists(p)) {
            return p;
        }
        String name = arg.endsWith(SessionLog.EXTENSION) ? arg : arg + SessionLog.EXTENSION;
        if (!name.contains("/")) {
            Path inDir = dir.resolve(name);
            if (Files.exists(inDir)) {
                return inDir;
            }
        }
        throw new ThawException(ErrorCode.LOG_NOT_FOUND, "No session log '" + arg + "' (neither a file nor a session in " + dir + ").",
                "Pass the path of a .jsonl log, a session name from " + dir + ", or `latest`.");
    }

    static Optional<Path> latest(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SessionLog.EXTENSION))
                    .max(Comparator.comparing((Path f) -> {
                        try {
                            return Files.getLastModifiedTime(f);
                        } catch (IOException e) {
                            return java.nio.file.attribute.FileTime.fromMillis(0);
                        }
                    }).thenComparing(f -> f.getFileName().toString()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
