package dev.thaw.python;

import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.AsyncTask;
import dev.thaw.snapshot.Greenlet;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A target that creates and frees tasks and greenlets all the time: every snapshot succeeds, and
 * what it shows as complete is real (names and frames of this program), the rest is marked.
 */
class RacingTasksAndGreenletsTest {

    @Test
    void churningTasksAndGreenletsNeverFailTheSnapshot() {
        PythonProgram src = PythonProgram.of("python/targets/churning_tasks_and_greenlets.py");
        try (TestPythons.Target t = TestPythons.start("3.14", src.text())) {
            int sawTasks = 0;
            int sawGreenlets = 0;
            for (int i = 0; i < 30; i++) {
                Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.defaults());
                List<ThreadSnapshot> threads = s.groups().stream().flatMap(g -> g.threads().stream()).toList();
                for (ThreadSnapshot th : threads) {
                    if (th.asyncio() != null) {
                        for (AsyncTask task : th.asyncio().tasks()) {
                            if (task.complete()) {
                                assertThat(task.name()).as(SnapshotRenderer.text(s)).matches("Task-\\d+");
                                assertThat(task.stack()).allMatch(f -> f.function().equals("short")
                                        || f.function().equals("churn_tasks") || f.function().equals("sleep"));
                                sawTasks++;
                            }
                        }
                    }
                    if (th.greenlets() != null) {
                        for (Greenlet g : th.greenlets()) {
                            if (g.complete() && g.state().equals("suspended") && g.name() != null) {
                                assertThat(g.name()).as(SnapshotRenderer.text(s)).contains("work");
                                sawGreenlets++;
                            }
                        }
                    }
                }
            }
            assertThat(sawTasks).isPositive();
            assertThat(sawGreenlets).isPositive();
        }
    }
}
