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
    /** Windows that may still be open: all expired ones go when a window is opened, each when looked up. */
    private final Map<Target, Window> open = new HashMap<>();

    /**
     * A process as the session records it: its start is the instant, not the clock ticks of
     * {@code ProcessKey}, which the session log does not keep.
     */
    private record Target(int pid, String startTime) {
    }

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
        Instant now = clock.instant();
        open.values().removeIf(w -> !now.isBefore(w.until())); // processes long gone among them
        Instant until = now.plus(minute.multipliedBy(minutes));
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

    /** Windows held, expired ones not yet dropped included (for tests). */
    synchronized int held() {
        return open.size();
    }

    private static Target key(RecordedTarget t) {
        return new Target(t.pid(), t.startTime());
    }
}
