package dev.thaw.findings;

import dev.thaw.jvm.JvmProbe;
import dev.thaw.proc.ProcFs;
import dev.thaw.process.SnapshotService;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.jvm.NeverFinishes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real JVM whose main has returned while its only other non-daemon thread waits forever: the findings
 * say it can never exit (shutdown never completes) and name the thread parked on the latch.
 */
class JvmNeverFinishesTest {

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void aJvmWaitingInDestroyJavaVmForAStuckThreadNeverFinishes(int feature) {
        SnapshotService snapshots = new SnapshotService(ProcFs.system(), new JvmProbe(ProcFs.system()));
        try (TestJdks.Target t = TestJdks.start(TestJdks.require(feature), NeverFinishes.class)) {
            Snapshot s = snapshots.snapshot(t.pid(), SnapshotRequest.of(3, 200, null, null));
            String text = SnapshotRenderer.text(s);
            System.out.println(text);
            assertThat(s.findings()).as(text).anySatisfy(f -> {
                assertThat(f.kind()).isEqualTo("jvm_never_finishes");
                assertThat(f.summary()).contains("\"flush-on-exit\"", "shutdown never completes");
            });
            assertThat(s.findings()).as(text).anySatisfy(f -> {
                assertThat(f.kind()).isEqualTo("parked_on_synchronizer");
                assertThat(f.summary()).contains("\"flush-on-exit\"", "CountDownLatch");
            });
        }
    }
}
