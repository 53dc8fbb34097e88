package dev.thaw.python.inject;

/** How soon a thread will reach a safe point by itself, as far as the kernel can tell. */
enum WaitKind {
    /** On a CPU, or runnable: it reaches a safe point within milliseconds if it runs Python code. */
    RUNNING,
    /** Blocked with a timeout (sleep, timed lock or poll): it wakes by itself. */
    BOUNDED,
    /** Blocked until someone else acts (a lock without timeout, I/O): maybe forever. */
    UNBOUNDED,
    /** Thaw cannot tell (syscall unreadable, unusual call). */
    UNKNOWN;

    String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
