package dev.thaw.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.util.Locale;

/**
 * Which thread of the target should pick the script up.
 *
 * @param kind {@code AUTO}: thaw picks threads that will reach a safe point soon (and may arm
 *             several; the first one runs it); {@code MAIN}: the runtime's main thread only;
 *             {@code TID}: exactly this native thread id
 * @param tid  the thread id for {@code TID}, else 0
 */
public record ThreadChoice(Kind kind, long tid) {

    public enum Kind { AUTO, MAIN, TID }

    public static final ThreadChoice AUTO = new ThreadChoice(Kind.AUTO, 0);
    public static final ThreadChoice MAIN = new ThreadChoice(Kind.MAIN, 0);

    public static ThreadChoice tid(long tid) {
        return new ThreadChoice(Kind.TID, tid);
    }

    /** {@code "auto"}, {@code "main"}, or a positive number (a native thread id). Null or blank is auto. */
    public static ThreadChoice parse(String s) {
        if (s == null || s.isBlank()) {
            return AUTO;
        }
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            return AUTO;
        }
        if (t.equals("main")) {
            return MAIN;
        }
        if (t.matches("\\d{1,10}")) {
            long tid = Long.parseLong(t);
            if (tid > 0) {
                return tid(tid);
            }
        }
        throw new ThawException(ErrorCode.INVALID_ARGUMENT, "thread must be \"auto\", \"main\" or a thread id (TID), got \""
                + s + "\".", "Use \"auto\" (default) unless you need one particular thread; snapshot lists the TIDs.");
    }

    public String wire() {
        return kind == Kind.TID ? Long.toString(tid) : kind.name().toLowerCase(Locale.ROOT);
    }
}
