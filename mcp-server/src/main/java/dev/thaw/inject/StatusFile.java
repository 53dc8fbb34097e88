package dev.thaw.inject;

import dev.thaw.Json;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code status.json}. The target writes it atomically (temporary file, then rename), so a
 * read sees one whole version; anything unparsable is treated as "no news yet".
 */
public final class StatusFile {

    static final int MAX_BYTES = 1 << 20;
    private static final Set<String> STATES = Set.of("delivered", "running", "completed", "failed");

    private StatusFile() {
    }

    public static Optional<TargetStatus> read(InjectionDir dir) {
        return dir.read(InjectionDir.STATUS, MAX_BYTES).flatMap(StatusFile::parse);
    }

    /**
     * What a Python bootstrap writes when its library does not load: plain text, so that the code
     * the target compiles on every injection stays small ({@code <deliveredNs> <ErrorType>: <message>}).
     */
    private static final Pattern LIBRARY_FAILURE = Pattern.compile("(\\d{1,19}) ([A-Za-z_][A-Za-z0-9_.]{0,200}): (.*)",
            Pattern.DOTALL);

    @SuppressWarnings("unchecked")
    static Optional<TargetStatus> parse(byte[] json) {
        if (json.length > 0 && json[0] >= '0' && json[0] <= '9') {
            return libraryFailure(json);
        }
        // The status is polled every few hundred microseconds and the final one is on the path to
        // the answer: a flat object as the target's library writes it is read directly; anything
        // else (nesting, odd numbers) goes through Jackson.
        Map<String, Object> m = FlatJson.parse(json);
        if (m == null) {
            try {
                m = Json.mapper().readValue(json, Map.class);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
        Object state = m.get("state");
        if (!(state instanceof String s) || !STATES.contains(s)) {
            return Optional.empty();
        }
        return Optional.of(new TargetStatus(InjectionState.fromWire(s), longOrNull(m.get("armedTid")),
                longOrNull(m.get("tid")), str(m.get("phase")), str(m.get("error")), str(m.get("errorType")),
                str(m.get("traceback")), m.get("exit"), longOr0(m.get("outputBytes")),
                Boolean.TRUE.equals(m.get("truncated")), longOr0(m.get("droppedBytes")),
                m.get("elapsedMs") instanceof Number n ? n.doubleValue() : null, longOrNull(m.get("deliveredNs")),
                longOrNull(m.get("runningNs")), longOrNull(m.get("endedNs"))));
    }

    /** The library did not load: the script never ran. The text is composed into a failed status here. */
    static Optional<TargetStatus> libraryFailure(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        Matcher m = LIBRARY_FAILURE.matcher(text);
        long delivered;
        try {
            delivered = m.matches() ? Long.parseLong(m.group(1)) : 0;
        } catch (NumberFormatException e) {
            delivered = 0;
        }
        if (!m.matches() || delivered == 0) {
            // Written atomically like every status, so complete: still a failure to report (an
            // exception class with a non-ASCII name, say), never a status to wait on until the timeout.
            String head = text.strip();
            return Optional.of(new TargetStatus(InjectionState.FAILED, null, null, "start", "thaw library: "
                    + (head.length() > 2000 ? head.substring(0, 2000) + "..." : head), null, null, null, 0, false, 0,
                    null, null, null, null));
        }
        String message = m.group(3).strip();
        return Optional.of(new TargetStatus(InjectionState.FAILED, null, null, "start", "thaw library: " + message,
                m.group(2), null, null, 0, false, 0, null, delivered, null, null));
    }

    private static Long longOrNull(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    private static long longOr0(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
