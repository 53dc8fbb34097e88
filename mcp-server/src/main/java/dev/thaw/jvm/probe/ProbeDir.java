package dev.thaw.jvm.probe;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The private directory of one injection, as the JVM engine needs it: the same contract as the
 * injection lifecycle's {@code dev.thaw.inject.InjectionDir} (created 0700 for the target's user
 * in the target's temporary directory, removed after use), kept to the operations the engine uses
 * so that the engine does not depend on the lifecycle. Every operation works relative to the
 * directory's descriptor and never follows a link: the target's user may change the directory.
 */
public interface ProbeDir {

    /** The directory as reachable from thaw (through {@code /proc/PID/root}), for messages only. */
    Path hostPath();

    /** A file of the directory as the target sees it: what is handed to the target. */
    String inRoot(String file);

    /** Writes a new file (never an existing one), mode 0600, owned by the target's user. */
    void writeFile(String file, byte[] content) throws IOException;

    /** Renames a file within the directory, replacing the target name (a link is moved, never followed). */
    void rename(String from, String to) throws IOException;

    /**
     * Makes the directory the target's (owner and final name), when the target must read from it
     * before the injection lifecycle would do so; a no-op the second time.
     */
    void handOver() throws IOException;

    /** Whether an entry exists (a link counts, unfollowed). */
    boolean exists(String file);
}
