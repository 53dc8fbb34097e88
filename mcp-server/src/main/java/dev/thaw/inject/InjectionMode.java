package dev.thaw.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.util.Locale;

/** Where the script runs once delivered. */
public enum InjectionMode {
    /** On a fresh OS thread of its own (default): a slow script never holds up an application thread. */
    THREAD,
    /** On the interrupted thread itself, which it holds until it ends; the script sees that thread's frame. */
    INLINE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InjectionMode parse(String s) {
        if (s == null || s.isBlank()) {
            return THREAD;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "thread" -> THREAD;
            case "inline" -> INLINE;
            default -> throw new ThawException(ErrorCode.INVALID_ARGUMENT, "mode must be \"thread\" or \"inline\", got \""
                    + s + "\".", "Use mode \"thread\" (default) or \"inline\" to run on the interrupted thread.");
        };
    }
}
