package dev.thaw.process;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.jvm.JvmProbe;
import dev.thaw.proc.ProcFs;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestInjections;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A SIGSTOPped Python process: its stacks are still read from memory (the notes say it is stopped); injection is refused. */
class StoppedPythonTest {

    @Test
    void snapshotWorksAndSaysStoppedInjectionIsRefused() throws Exception {
        ProcFs proc = ProcFs.system();
        SnapshotService snapshots = new SnapshotService(proc, new JvmProbe(proc));
        String program = PythonProgram.of("process/parked_worker_busy_main.py").text();
        try (TestPythons.Target t = TestPythons.start("3.14", program); TestInjections injections = new TestInjections()) {
            Snapshot running = snapshots.snapshot(t.pid(), SnapshotRequest.defaults());
            assertThat(running.notes()).noneMatch(n -> n.contains("stopped"));

            t.stop();
            awaitState(t.pid(), 'T');
            Snapshot stopped = snapshots.snapshot(t.pid(), SnapshotRequest.defaults());
            assertThat(stopped.totalThreads()).isEqualTo(2);
            assertThat(stopped.notes().get(0)).contains("stopped (state T").contains("kill -CONT " + t.pid());
            Check state = new dev.thaw.app.Services().doctor().check(t.pid()).targetChecks().stream()
                    .filter(c -> c.id().equals("process_state")).findFirst().orElseThrow();
            assertThat(state.detail()).contains("stopped (state T");
            assertThat(state.fix()).contains("kill -CONT " + t.pid());
            assertThatThrownBy(() -> injections.inject(t.pid(), "print('hi')", Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ThawException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PROCESS_STOPPED);
                        assertThat(e.fix()).contains("kill -CONT " + t.pid());
                    });

            t.cont();
            assertThat(injections.inject(t.pid(), "print('hi')", Duration.ofSeconds(30)).state())
                    .isEqualTo("completed");
        }
    }

    private static void awaitState(int pid, char state) throws Exception {
        for (int i = 0; i < 1000; i++) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            if (stat.charAt(stat.lastIndexOf(')') + 2) == state) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("process " + pid + " never reached state " + state);
    }
}
