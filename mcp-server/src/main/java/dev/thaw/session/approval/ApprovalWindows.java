package dev.thaw.session.approval;

import dev.thaw.session.RecordedTarget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * "Allow custom scripts for this process for N minutes": windows a person opened when approving an
 * injection, per process (pid + start time, so a reused pid is never covered), each ending at a fixed
 * instant. Only for the life of this server; nothing is persisted (the session log records each grant
 * and each use).
 */
public final class ApprovalWindows {

    /** The choices offered, in minutes. */
    public static final int[] MINUTES = {5, 15, 60};
    /** The longest window accepted, whatever a client sends. */
    static final Duration MAX = Duration.ofHours(1);

    /** @param grantedBy the injection whose approval opened it */
    public record Window(Instant until, String grantedBy) {
    }

    private final Clock clock;
    /**
     * How long a "minute" of a window lasts: a minute, except in the end-to-end test of expiry, which
     * shortens it with the system property {@code thaw.approvalWindowMinuteMs}.
     */
    private final Duration minute;
    private final Map<String, Window> open = new HashMap<>();

    public ApprovalWindows() {
        this(Clock.systemUTC(), Duration.ofMillis(Math.max(1, Long.getLong("thaw.approvalWindowMinuteMs", 60_000))));
    }

    ApprovalWindows(Clock clock, Duration minute) {
        this.clock = clock;
        this.minute = minute;
    }

    /** Opens (or extends) the window for this process for {@code length} (whole minutes); returns when it ends. */
    public synchronized Instant allow(RecordedTarget target, Duration length, String grantedBy) {
        long minutes = Math.min(length.toMinutes(), MAX.toMinutes());
        Instant until = clock.instant().plus(minute.multipliedBy(minutes));
        Window before = open.get(key(target));
        if (before == null || before.until().isBefore(until)) {
            open.put(key(target), new Window(until, grantedBy));
        }
        return open.get(key(target)).until();
    }

    /** The open window covering this process now, or null (expired ones are dropped). */
    public synchronized Window active(RecordedTarget target) {
        if (target == null) {
            return null;
        }
        Window w = open.get(key(target));
        if (w != null && !clock.instant().isBefore(w.until())) {
            open.remove(key(target));
            return null;
        }
        return w;
    }

    private static String key(RecordedTarget t) {
        return t.pid() + "@" + t.startTime();
    }
}
