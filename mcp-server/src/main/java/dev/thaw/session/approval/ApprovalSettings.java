package dev.thaw.session.approval;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The approval options of {@code thaw serve}.
 *
 * @param policy             who must agree before an injection
 * @param elicitationTimeout how long a confirmation request waits for a person
 */
public record ApprovalSettings(ApprovalPolicy policy, Duration elicitationTimeout) {

    /** Long enough for a person to read a script; the MCP SDK's default (10 s) is not. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    public static ApprovalSettings defaults() {
        return new ApprovalSettings(ApprovalPolicy.CUSTOM, DEFAULT_TIMEOUT);
    }

    /** "90s", "5m", "1h", "500ms", a bare number of seconds, or ISO-8601 ("PT5M"). At least 1 s. */
    public static Duration parseTimeout(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Duration d = null;
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        } else {
            try {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (RuntimeException ignored) {
                // reported below
            }
        }
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "Invalid elicitation timeout '" + text + "'.",
                    "Give a duration of at least 1 s, e.g. 90s, 10m or 1h.");
        }
        return d;
    }
}
