package dev.thaw.process;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Filters for a process listing.
 *
 * @param runtime  {@code cpython}, {@code hotspot}, {@code any} (Python and JVM processes: the default),
 *                 or {@code all} (every process)
 * @param match    substring of the command line, or a regular expression when {@code regex}
 * @param user     user name or numeric uid
 */
public record ProcessQuery(String runtime, String match, boolean regex, String user) {

    public static final ProcessQuery DEFAULT = new ProcessQuery("any", null, false, null);

    public ProcessQuery {
        runtime = runtime == null || runtime.isBlank() ? "any" : runtime.toLowerCase(Locale.ROOT);
        if (!runtime.equals("any") && !runtime.equals("all") && !runtime.equals(RuntimeInfo.CPYTHON)
                && !runtime.equals(RuntimeInfo.HOTSPOT)) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT,
                    "runtime: '" + runtime + "' is not one of cpython, hotspot, any, all.",
                    "Use runtime=cpython or hotspot to narrow, any (default: Python and JVM processes) or all.");
        }
        if (match != null && match.isBlank()) {
            match = null;
        }
        if (user != null && user.isBlank()) {
            user = null;
        }
    }

    /** Compiled command-line matcher; throws an explaining error for a bad regex. */
    Pattern commandPattern() {
        if (match == null) {
            return null;
        }
        if (!regex) {
            return Pattern.compile(Pattern.quote(match), Pattern.CASE_INSENSITIVE);
        }
        try {
            return Pattern.compile(match);
        } catch (PatternSyntaxException e) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT,
                    "match: not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex() + ".",
                    "Fix the expression, or pass regex=false to match a plain substring.");
        }
    }

    boolean wantsRuntime(RuntimeInfo info) {
        return switch (runtime) {
            case "all" -> true;
            case "any" -> !info.isNone();
            default -> runtime.equals(info.kind());
        };
    }
}
