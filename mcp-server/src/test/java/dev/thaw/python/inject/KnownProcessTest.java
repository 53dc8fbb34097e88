package dev.thaw.python.inject;

import dev.thaw.inject.TargetIdentity;
import dev.thaw.proc.ProcFs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The kept-open /proc files of a process identified before: they read what ProcFs reads, and nothing once it exited. */
class KnownProcessTest {

    @Test
    void readsTheProcessUntilItExits() throws Exception {
        ProcFs proc = ProcFs.system();
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            int pid = (int) p.pid();
            var st = proc.stat(pid);
            var status = proc.status(pid);
            assertThat(KnownProcess.startTicks(Files.readAllBytes(Path.of("/proc/" + pid + "/stat"))))
                    .isEqualTo(st.startTimeTicks());
            TargetIdentity id = new TargetIdentity(pid, st.startTimeTicks(), null, "cpython", "3.14.0",
                    status.effectiveUid(), status.effectiveGid());
            KnownProcess k = KnownProcess.open(proc.pidDir(pid), id);
            assertThat(k).isNotNull();
            assertThat(k.reread()).isEqualTo(id);
            assertThat(k.reread()).as("read again from the same descriptors").isEqualTo(id);
            TargetIdentity wrongStart = new TargetIdentity(pid, st.startTimeTicks() + 1, null, "cpython", "3.14.0",
                    status.effectiveUid(), status.effectiveGid());
            assertThat(KnownProcess.open(proc.pidDir(pid), wrongStart)).as("another process's files").isNull();

            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            assertThat(k.reread()).as("exited (and reaped)").isNull();
            k.close();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void parsesWhatTheKernelWrites() {
        byte[] stat = "4242 (a) b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 987654 1000 200"
                .getBytes();
        assertThat(KnownProcess.startTicks(stat)).isEqualTo(987654L);
        byte[] status = "Name:\tpython3\nUid:\t1000\t1001\t1002\t1003\nGid:\t50\t51\t52\t53\n".getBytes();
        assertThat(KnownProcess.effective(status, "\nUid:".getBytes())).isEqualTo(1001);
        assertThat(KnownProcess.effective(status, "\nGid:".getBytes())).isEqualTo(51);
        assertThat(KnownProcess.effective(status, "\nXid:".getBytes())).isEqualTo(-1);
    }
}
