package dev.thaw.jvm.probe;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The private directory of one injection, as the JVM engine needs it: the same contract as the
 * injection lifecycle's {@code dev.thaw.inject.InjectionDir} (created 0700 for the target's user
 * in the target's temporary directory, removed after use), kept to the three operations the engine
 * uses so that the engine does not depend on the lifecycle.
 */
public interface ProbeDir {

    /** The directory as reachable from thaw (through {@code /proc/PID/root}). */
    Path hostPath();

    /** A file of the directory as the target sees it: what is handed to the target. */
    String inRoot(String file);

    /** Writes a new file (never an existing one), mode 0600, owned by the target's user. */
    void writeFile(String file, byte[] content) throws IOException;
}
