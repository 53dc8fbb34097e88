package dev.thaw.python.inject;

import dev.thaw.inject.TargetIdentity;
import dev.thaw.proc.ProcFs;
import org.junit.jupiter.api.Test;

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
}
