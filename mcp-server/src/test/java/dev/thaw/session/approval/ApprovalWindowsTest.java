package dev.thaw.session.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thaw.session.RecordedTarget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Windows cover one process (pid and start), end on time, and do not pile up over a long session. */
class ApprovalWindowsTest {

    private static final Instant T0 = Instant.parse("2026-12-07T05:00:00Z");

    /** A clock the test moves. */
    private static final class Hands extends Clock {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final Hands clock = new Hands();
    private final ApprovalWindows windows = new ApprovalWindows(clock, Duration.ofMinutes(1));

    private static RecordedTarget process(int pid, String started) {
        return new RecordedTarget(pid, started, "/usr/bin/python3.14", "python3.14 app.py", "cpython", "3.14.0");
    }

    @Test
    void aWindowCoversItsProcessOnlyAndEndsOnTime() {
        RecordedTarget app = process(77, "2026-12-07T04:00:00Z");
        assertThat(windows.allow(app, Duration.ofMinutes(5), "inj-1")).isEqualTo(T0.plusSeconds(300));

        assertThat(windows.active(app)).isEqualTo(new ApprovalWindows.Window(T0.plusSeconds(300), "inj-1"));
        assertThat(windows.active(process(77, "2026-12-07T04:59:00Z"))).as("a later process reusing the pid").isNull();
        assertThat(windows.active(process(78, "2026-12-07T04:00:00Z"))).isNull();

        clock.now = T0.plusSeconds(300);
        assertThat(windows.active(app)).isNull();
        assertThat(windows.held()).isZero();
    }

    @Test
    void aShorterGrantDoesNotCutALongerWindow() {
        RecordedTarget app = process(77, "2026-12-07T04:00:00Z");
        windows.allow(app, Duration.ofMinutes(15), "inj-1");
        assertThat(windows.allow(app, Duration.ofMinutes(5), "inj-2")).isEqualTo(T0.plusSeconds(900));
        assertThat(windows.active(app).grantedBy()).isEqualTo("inj-1");
    }

    @Test
    void expiredWindowsOfProcessesNeverSeenAgainAreDroppedWhenAnotherOpens() {
        for (int pid = 1000; pid < 1100; pid++) {
            windows.allow(process(pid, "2026-12-07T04:00:00Z"), Duration.ofMinutes(5), "inj-" + pid);
        }
        assertThat(windows.held()).isEqualTo(100);

        clock.now = T0.plusSeconds(301);
        windows.allow(process(2000, "2026-12-07T05:00:00Z"), Duration.ofMinutes(5), "inj-2000");
        assertThat(windows.held()).isEqualTo(1);
    }
}
