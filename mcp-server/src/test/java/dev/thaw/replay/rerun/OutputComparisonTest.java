package dev.thaw.replay.rerun;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class OutputComparisonTest {

    private static OutputComparison.Result cmp(String a, String b) {
        return OutputComparison.compare("completed", a.getBytes(StandardCharsets.UTF_8), "completed",
                b.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void identicalIsSame() {
        assertThat(cmp("no deadlock\n", "no deadlock\n").verdict()).isEqualTo(OutputComparison.Verdict.SAME);
    }

    @Test
    void addressesTidsAndTimesDoNotCount() {
        String before = "worker-1 (tid 48213) waits for <0x00007f3a1c0e2b40> at 2025-11-25T10:00:01.123Z after 15 ms\n";
        String after = "worker-1 (tid 50117) waits for <0x00007f99aa0e0000> at 2025-11-26T08:12:44.001Z after 12 ms\n";
        assertThat(cmp(before, after).verdict()).isEqualTo(OutputComparison.Verdict.SAME_MODULO_IDS);
    }

    @Test
    void aDifferentFindingIsChangedAndTheFirstDifferenceIsNamed() {
        OutputComparison.Result r = cmp("threads: 3\ndeadlock: worker-1 <-> worker-2\n", "threads: 3\nno deadlock\n");
        assertThat(r.verdict()).isEqualTo(OutputComparison.Verdict.CHANGED);
        assertThat(r.firstDifference()).startsWith("line 2:").contains("deadlock: worker-1", "no deadlock");
    }

    @Test
    void smallNumbersLikeLineNumbersStillCount() {
        assertThat(cmp("blocked at app.py:41\n", "blocked at app.py:57\n").verdict()).isEqualTo(OutputComparison.Verdict.CHANGED);
    }

    @Test
    void aDifferentStatusIsChanged() {
        OutputComparison.Result r = OutputComparison.compare("timed_out", new byte[0], "completed", new byte[0]);
        assertThat(r.verdict()).isEqualTo(OutputComparison.Verdict.CHANGED);
        assertThat(r.firstDifference()).isEqualTo("status timed_out → completed");
    }
}
