package dev.thaw.process;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.jvm.JvmProbe;
import dev.thaw.proc.ProcFs;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine choice: a process read as CPython goes straight to the Python engine next time, until it exec's. */
class SnapshotServiceTest {

    @Test
    void rememberedPythonThenExecIntoSomethingElse() throws Exception {
        ProcFs proc = ProcFs.system();
        SnapshotService service = new SnapshotService(proc, new JvmProbe(proc));
        String program = PythonProgram.of("process/execs_sleep_on_stdin.py").text();
        try (TestPythons.Target t = TestPythons.start("3.14", program)) {
            Snapshot first = service.snapshot(t.pid(), SnapshotRequest.defaults());
            Snapshot second = service.snapshot(t.pid(), SnapshotRequest.defaults());
            assertThat(first.runtime()).isEqualTo("cpython");
            assertThat(second.runtime()).isEqualTo("cpython");
            assertThat(second.totalThreads()).isEqualTo(1);

            // same pid and start time, another program: the remembered verdict must not stick
            OutputStream in = t.process().getOutputStream();
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!proc.exe(t.pid()).orElse("").endsWith("sleep")) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThatThrownBy(() -> service.snapshot(t.pid(), SnapshotRequest.defaults()))
                    .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_RUNTIME));
        }
    }
}
