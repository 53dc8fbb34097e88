package dev.thaw.python;

import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a target whose stacks change all the time: every frame we report must be a real frame
 * of the program (known function, a line of it), never a half-read one.
 */
class RacingTargetTest {

    static final PythonProgram PROGRAM = PythonProgram.of("python/racing/churn.py");

    static final Set<String> FUNCTIONS = Set.of("up", "down", "churn", "churn.<locals>.<lambda>", "<module>",
            "Thread.run", "Thread._bootstrap_inner", "Thread._bootstrap");

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void framesAreNeverHalfRead(String version) {
        try (TestPythons.Target t = TestPythons.start(version, PROGRAM)) {
            int incomplete = 0;
            int threads = 0;
            try (PythonStackReader reader = PythonStackReader.open(t.pid())) {
                for (int i = 0; i < 300; i++) {
                    List<PyThreadStack> read = reader.read();
                    threads += read.size();
                    for (PyThreadStack s : read) {
                        if (!s.complete()) {
                            incomplete++;
                        }
                        for (Frame f : s.frames()) {
                            assertThat(f.function()).isIn(FUNCTIONS);
                            if (f.file().equals("<string>")) {
                                assertThat(f.line()).isBetween(1, PROGRAM.lineCount());
                            }
                        }
                    }
                }
            }
            // A thread may not settle within the retries (more often on a loaded machine); it is then
            // flagged, never shown wrong — the frame checks above are the correctness property. Most
            // reads must still settle.
            assertThat(incomplete).isLessThan(threads / 3);
            // Five threads pass the GIL around; a read can fall into a hand-over, when nobody holds it
            // (a few percent of snapshots, before and after the reader got faster): look a few times.
            Snapshot s = null;
            for (int i = 0; i < 5 && (s == null || !anyHoldsGil(s)); i++) {
                s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.of(3, 20, null, null));
                assertThat(s.totalThreads()).isEqualTo(5);
            }
            assertThat(anyHoldsGil(s)).as("a GIL holder in one of five snapshots").isTrue();
        }
    }

    private static boolean anyHoldsGil(Snapshot s) {
        return s.groups().stream().flatMap(g -> g.threads().stream()).anyMatch(x -> Boolean.TRUE.equals(x.holdsGil()));
    }
}
