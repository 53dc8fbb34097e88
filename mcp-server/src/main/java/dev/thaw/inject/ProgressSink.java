package dev.thaw.inject;

/** Receives progress while an injection is awaited (MCP progress notifications, a CLI spinner). */
@FunctionalInterface
public interface ProgressSink {

    ProgressSink NONE = (elapsedMs, timeoutMs, message) -> {
    };

    /** @param elapsedMs time waited so far; @param timeoutMs the whole wait; @param message what is happening */
    void progress(double elapsedMs, double timeoutMs, String message);
}
