package dev.thaw.python;

/**
 * What we read does not hang together (a pointer to something that is not what it should be):
 * the target changed it while we read. Callers retry; it never reaches the user. No stack trace:
 * it is control flow, and it is thrown in hot loops.
 */
public final class TornReadException extends RuntimeException {

    TornReadException(String what) {
        super(what, null, false, false);
    }
}
