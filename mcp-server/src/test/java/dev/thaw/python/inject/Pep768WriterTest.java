package dev.thaw.python.inject;

import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.python.DebugOffsets;
import dev.thaw.python.PythonTarget;
import dev.thaw.python.PythonVersion;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The refusals of PEP 768 delivery, and the path limit checked before anything is written. */
class Pep768WriterTest {

    @Test
    void refusesWhatCannotReceiveAScript() {
        assertThatThrownBy(() -> PythonTarget.refuseUnsupported(1, new DebugOffsets.Header(PythonVersion.fromHex(0x030D12F0L), false), PythonTarget.Purpose.INJECT))
                .isInstanceOfSatisfying(ThawException.class, e -> {
                    assertThat(e.code()).isEqualTo("python_too_old");
                    assertThat(e.fix()).contains("snapshot");
                });
        assertThatThrownBy(() -> PythonTarget.refuseUnsupported(1, new DebugOffsets.Header(PythonVersion.fromHex(0x030E0AF0L), true), PythonTarget.Purpose.INJECT))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo("free_threaded"));
        assertThatThrownBy(() -> PythonTarget.refuseUnsupported(1, new DebugOffsets.Header(PythonVersion.fromHex(0x031000F0L), false), PythonTarget.Purpose.INJECT))
                .isInstanceOfSatisfying(ThawException.class, e -> {
                    assertThat(e.code()).isEqualTo("unsupported_version");
                    assertThat(e.getMessage()).contains("3.16");
                });
        assertThatThrownBy(() -> PythonTarget.refuseUnsupported(1, new DebugOffsets.Header(PythonVersion.fromHex(0x030F00A3L), false), PythonTarget.Purpose.INJECT))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.getMessage()).contains("pre-release"));
        PythonTarget.refuseUnsupported(1, new DebugOffsets.Header(PythonVersion.fromHex(0x030F02F0L), false), PythonTarget.Purpose.INJECT);
    }

    @Test
    void aPathOver511BytesIsRefusedBeforeAnythingIsWritten() {
        try (TestPythons.Target t = TestPythons.start("3.14", "import time\nprint('ready', flush=True)\nwhile True: time.sleep(0.01)");
             Pep768Writer w = Pep768Writer.open(ProcFs.system(), t.pid())) {
            assertThat(w.maxPathBytes()).isEqualTo(511);
            var threads = w.threads();
            assertThat(threads).singleElement().satisfies(th -> {
                assertThat(th.main()).isTrue();
                assertThat(th.nativeTid()).isEqualTo(t.pid());
            });
            String tooLong = "/tmp/" + "x".repeat(507);
            assertThatThrownBy(() -> w.arm(threads, tooLong))
                    .isInstanceOfSatisfying(ThawException.class, e -> {
                        assertThat(e.code()).isEqualTo("path_too_long");
                        assertThat(e.getMessage()).contains("512 bytes").contains("511");
                    });
            assertThat(w.pending(threads.get(0), tooLong.substring(0, 511))).isFalse();
        }
    }
}
