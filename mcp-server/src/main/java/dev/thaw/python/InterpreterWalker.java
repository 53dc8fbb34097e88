package dev.thaw.python;

import dev.thaw.proc.ProcessMemory;

import java.util.Optional;

/**
 * Finds the main interpreter. {@code interpreters_head} is the NEWEST interpreter, so while a
 * sub-interpreter is alive it is not the main one (this is what breaks CPython's own
 * {@code RemoteUnwinder} and {@code sys.remote_exec}); we follow {@code next} to the one with id 0.
 */
final class InterpreterWalker {

    /** Guards against a corrupted or racing list turning into an endless loop. */
    private static final int MAX_INTERPRETERS = 4096;

    private InterpreterWalker() {
    }

    static Optional<Long> mainInterpreter(ProcessMemory mem, long runtime, DebugOffsets d) {
        long interp = mem.readPointer(runtime + d.runtime().interpretersHead());
        for (int i = 0; interp != 0 && i < MAX_INTERPRETERS; i++) {
            if (mem.readLong(interp + d.interpreter().id()) == 0) {
                return Optional.of(interp);
            }
            interp = mem.readPointer(interp + d.interpreter().next());
        }
        return Optional.empty();
    }

    /** How many interpreters the list holds (at most {@link #MAX_INTERPRETERS}). */
    static int count(ProcessMemory mem, long runtime, DebugOffsets d) {
        int n = 0;
        long interp = mem.readPointer(runtime + d.runtime().interpretersHead());
        while (interp != 0 && n < MAX_INTERPRETERS) {
            n++;
            interp = mem.readPointer(interp + d.interpreter().next());
        }
        return n;
    }
}
