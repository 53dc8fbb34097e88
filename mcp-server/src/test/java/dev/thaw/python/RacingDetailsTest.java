package dev.thaw.python;

import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.FrameLocals;
import dev.thaw.snapshot.LocalValue;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Locals, names and waits read from a target whose frames and objects change all the time: the
 * snapshot never fails, and every local it shows is a real variable of the function it names.
 */
class RacingDetailsTest {

    static final Set<String> NAMES = Set.of("n", "s", "i", "f", "x", "self");

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void localsOfChurningThreadsAreNeverInvented(String version) {
        try (TestPythons.Target t = TestPythons.start(version, RacingTargetTest.PROGRAM)) {
            SnapshotRequest withLocals = SnapshotRequest.of(null, null, null, null, "none", true, null);
            int locals = 0;
            for (int i = 0; i < 100; i++) {
                Snapshot s = PythonSnapshotter.snapshot(t.pid(), withLocals);
                for (ThreadSnapshot th : s.groups().stream().flatMap(g -> g.threads().stream()).toList()) {
                    assertThat(th.python()).isNotNull();
                    if (th.python().locals() == null) {
                        continue;
                    }
                    for (FrameLocals fl : th.python().locals()) {
                        for (LocalValue v : fl.locals()) {
                            assertThat(v.name()).as(fl.function()).isIn(NAMES);
                            locals++;
                        }
                    }
                }
            }
            assertThat(locals).isPositive();
        }
    }
}
