package dev.thaw.python;

import dev.thaw.proc.ProcFs;
import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.ThreadSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The consistent mode's pause on a live target: it is stopped while read, and always runs again. */
class ConsistentReadTest {

    private static List<Character> states(int pid) {
        ProcFs p = ProcFs.system();
        return p.tids(pid).stream().map(tid -> p.taskStat(pid, tid).state()).toList();
    }

    @Test
    void aConsistentSnapshotPausesTheTargetBrieflyAndLeavesItRunning() {
        try (DeepTargets dir = new DeepTargets();
             var t = dir.run("3.15", "blocked_objects.py", dir.target("truth.json"))) {
            Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.of(null, null, null, null, null, null, true));
            assertThat(s.python().pausedMs()).isNotNull().isPositive().isLessThan(TargetPause.MAX_PAUSE_SECONDS * 1000 + 300);
            assertThat(s.python().pauseNote()).isNull();
            assertThat(states(t.pid())).doesNotContain('T', 't');
            // kernel states were read after the pause: blocked threads still show their waits
            ThreadSnapshot q = s.groups().stream().flatMap(g -> g.threads().stream())
                    .filter(x -> x.python() != null && "lock-waiter".equals(x.python().name())).findFirst().orElseThrow();
            assertThat(q.state()).isEqualTo("lock_wait");
            assertThat(q.python().waitsOn().get(0).type()).isEqualTo("_thread.lock");
        }
    }

    @Test
    void theWatchdogContinuesTheTargetOnItsOwnWhenThawTakesTooLong() {
        try (DeepTargets dir = new DeepTargets();
             var t = dir.run("3.14", "blocked_objects.py", dir.target("truth.json"))) {
            TargetPause.Result<List<Character>> r = TargetPause.during(ProcFs.system(), t.pid(), () -> {
                List<Character> during = states(t.pid());
                try {
                    Thread.sleep((long) (TargetPause.MAX_PAUSE_SECONDS * 1000) + 700);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                assertThat(states(t.pid())).as("continued by the watchdog while thaw still reads").doesNotContain('T');
                return during;
            });
            assertThat(r.value()).as("stopped while read").containsOnly('T');
            assertThat(states(t.pid())).doesNotContain('T', 't');
        }
    }

    /**
     * thaw killed mid-read: the watchdog's input is a pipe whose only writer dies (here a `sleep`
     * killed with SIGKILL, standing for thaw), and the target runs again at once, not after the timeout.
     */
    @Test
    void theTargetRunsAgainAsSoonAsTheReaderDies() throws Exception {
        try (DeepTargets dir = new DeepTargets();
             var t = dir.run("3.14", "blocked_objects.py", dir.target("truth.json"))) {
            Process chain = new ProcessBuilder("/bin/bash", "-c", "sleep 600 | /usr/bin/setsid /bin/bash -c '"
                    + TargetPause.WATCHDOG.replace("'", "'\\''") + "' thaw-pause " + t.pid() + " & echo $!; wait")
                    .redirectErrorStream(true).start();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!states(t.pid()).stream().allMatch(c -> c == 'T') && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(states(t.pid())).as("stopped by the watchdog").containsOnly('T');
            // the pipeline's first member (sleep) is the writer: kill it as thaw would die
            ProcessHandle sleep = chain.toHandle().children().filter(h -> h.info().command().orElse("").endsWith("sleep"))
                    .findFirst().orElseThrow();
            long killed = System.nanoTime();
            sleep.destroyForcibly();
            while (states(t.pid()).contains('T') && System.nanoTime() - killed < 5_000_000_000L) {
                Thread.onSpinWait();
            }
            double ms = (System.nanoTime() - killed) / 1e6;
            assertThat(states(t.pid())).doesNotContain('T', 't');
            assertThat(ms).as("continued on end of input, before the timeout").isLessThan(TargetPause.MAX_PAUSE_SECONDS * 1000);
            chain.destroyForcibly();
        }
    }

    @Test
    void anAlreadyStoppedProcessIsLeftStopped() {
        try (DeepTargets dir = new DeepTargets();
             var t = dir.run("3.14", "blocked_objects.py", dir.target("truth.json"))) {
            t.stop();
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (!states(t.pid()).stream().allMatch(c -> c == 'T') && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            TargetPause.Result<String> r = TargetPause.during(ProcFs.system(), t.pid(), () -> "read");
            assertThat(r.pausedMs()).isNull();
            assertThat(r.note()).contains("already stopped");
            assertThat(states(t.pid())).containsOnly('T');
            t.cont();
        }
    }
}
