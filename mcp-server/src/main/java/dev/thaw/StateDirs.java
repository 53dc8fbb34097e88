package dev.thaw;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where thaw keeps its state: {@code $XDG_STATE_HOME/thaw}, by default {@code ~/.local/state/thaw}.
 * Session logs go to {@code sessions/}, the server log to {@code logs/thaw.log}. The directories are
 * private (0700): session logs hold scripts and outputs from production processes.
 */
public final class StateDirs {

    private StateDirs() {
    }

    public static Path base() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path state = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return state.resolve("thaw");
    }

    public static Path sessions() {
        return base().resolve("sessions");
    }

    public static Path logs() {
        return base().resolve("logs");
    }

    public static Path logFile() {
        return logs().resolve("thaw.log");
    }

    /** Creates the directory (and thaw's base) with mode 0700 if missing. */
    public static Path ensurePrivate(Path dir) {
        try {
            Path base = base();
            for (Path d : new Path[] {base, dir}) {
                if (!Files.isDirectory(d)) {
                    Files.createDirectories(d);
                }
                if (d.startsWith(base)) {
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new ThawException(ErrorCode.STATE_DIR_UNWRITABLE, "Cannot create " + dir + ": " + e.getMessage(),
                    "Make $XDG_STATE_HOME (or ~/.local/state) writable, or set XDG_STATE_HOME to a writable directory.", e);
        }
    }
}
