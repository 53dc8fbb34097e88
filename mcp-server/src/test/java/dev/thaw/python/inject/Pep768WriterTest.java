package dev.thaw.python.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.PythonProgram;
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
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
                    assertThat(e.fix()).contains("3.14 or 3.15");
                });
        assertThatThrownBy(() -> PythonTarget.refuseUnsupported(1, new DebugOffsets.Header(PythonVersion.fromHex(0x030E0AF0L), true), PythonTarget.Purpose.INJECT))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION));
        assertThatThrownBy(() -> PythonTarget.refuseUnsupported(1, new DebugOffsets.Header(PythonVersion.fromHex(0x031000F0L), false), PythonTarget.Purpose.INJECT))
                .isInstanceOfSatisfying(ThawException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
                    assertThat(e.getMessage()).contains("3.16");
                });
        assertThatThrownBy(() -> PythonTarget.refuseUnsupported(1, new DebugOffsets.Header(PythonVersion.fromHex(0x030F00A3L), false), PythonTarget.Purpose.INJECT))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.getMessage()).contains("pre-release"));
        PythonTarget.refuseUnsupported(1, new DebugOffsets.Header(PythonVersion.fromHex(0x030F02F0L), false), PythonTarget.Purpose.INJECT);
    }

    @Test
    void aPathOver511BytesIsRefusedBeforeAnythingIsWritten() {
        try (TestPythons.Target t = TestPythons.start("3.14", PythonProgram.of("python/inject/sleep_loop.py"));
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
                        assertThat(e.code()).isEqualTo(ErrorCode.PATH_TOO_LONG);
                        assertThat(e.getMessage()).contains("512 bytes").contains("511");
                    });
            assertThat(w.pending(threads.get(0), tooLong.substring(0, 511))).isFalse();
        }
    }
}
