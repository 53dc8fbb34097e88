package dev.thaw.snapshot;

import dev.thaw.proc.TaskState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Futex waits with and without a timeout, from /proc/PID/task/TID/syscall arguments. */
class WaitClassifierTest {

    private static TaskState futex(String args) {
        return new TaskState(1, "t", 'S', "futex", args, null);
    }

    @Test
    void aFutexWaitWithATimeoutIsTimedAndWithoutOneALockWait() {
        // Lock.acquire(): FUTEX_WAIT_BITSET|PRIVATE (0x189), NULL timeout
        assertThat(WaitClassifier.classify(futex("0x7f00deadbe00 0x189 0x0 0x0"))).isEqualTo(WaitClassifier.LOCK_WAIT);
        // Lock.acquire(timeout=0.5): the same with a timespec pointer
        assertThat(WaitClassifier.classify(futex("0x7f00deadbe00 0x189 0x0 0x7ffd1f2a3b40"))).isEqualTo(WaitClassifier.TIMED_WAIT);
        // FUTEX_WAIT (0x80 = PRIVATE) with a timeout; FUTEX_WAKE is no wait at all
        assertThat(WaitClassifier.classify(futex("0x7f00deadbe00 0x80 0x2 0x7ffd1f2a3b40"))).isEqualTo(WaitClassifier.TIMED_WAIT);
        assertThat(WaitClassifier.classify(futex("0x7f00deadbe00 0x81 0x1 0x7ffd1f2a3b40"))).isEqualTo(WaitClassifier.LOCK_WAIT);
        // Only three arguments known (older reads): not timed
        assertThat(WaitClassifier.classify(futex("0x7f00deadbe00 0x189 0x0"))).isEqualTo(WaitClassifier.LOCK_WAIT);
        assertThat(WaitClassifier.lockAddress(futex("0x7f00deadbe00 0x189 0x0 0x7ffd1f2a3b40"))).isEqualTo("futex@0x7f00deadbe00");
    }
}
