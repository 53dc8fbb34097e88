package dev.thaw.python;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Bad inputs: each is a ThawException with a clear message and a fix, never a raw exception. */
class PythonSnapshotterErrorsTest {

    static final String PARKED = "import threading; print('ready', flush=True); threading.Event().wait()";

    @Test
    void notPython() throws Exception {
        Process p = new ProcessBuilder("sleep", "100").start();
        try {
            ThawException e = catchThrowableOfType(ThawException.class,
                    () -> PythonSnapshotter.snapshot((int) p.pid(), SnapshotRequest.defaults()));
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_PYTHON);
            assertThat(e.getMessage()).contains("is not a CPython process");
            assertThat(e.fix()).contains("thaw ps");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void python313IsTooOld() {
        try (TestPythons.Target t = TestPythons.start("3.13", PARKED)) {
            ThawException e = catchThrowableOfType(ThawException.class,
                    () -> PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.defaults()));
            assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
            assertThat(e.getMessage()).contains("3.13").contains("older than 3.14");
            assertThat(e.fix()).contains("3.14 or 3.15");
        }
    }

    @Test
    void preReleaseAndFreeThreadedAndUnknownVersionsAreRefusedWithAReason() {
        assertThat(PythonProbe.unsupportedReason(new DebugOffsets.Header(PythonVersion.fromHex(0x030F00A2L), false)))
                .contains("3.15.0a2 is a pre-release");
        assertThat(PythonProbe.unsupportedReason(new DebugOffsets.Header(PythonVersion.fromHex(0x030E0AF0L), true)))
                .contains("free-threaded").contains("not support");
        assertThat(PythonProbe.unsupportedReason(new DebugOffsets.Header(PythonVersion.fromHex(0x031000F0L), false)))
                .contains("newer than thaw knows");
        assertThat(PythonProbe.unsupportedReason(new DebugOffsets.Header(PythonVersion.fromHex(0x030E0AF0L), false)))
                .isNull();
    }

    @Test
    void vanishedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertThatThrownBy(() -> PythonSnapshotter.snapshot((int) p.pid(), SnapshotRequest.defaults()))
                .isInstanceOf(ProcessGoneException.class).hasMessageContaining("does not exist");
    }

    @Test
    void processExitsMidRead() {
        TestPythons.Target t = TestPythons.start("3.14", PARKED);
        try (PythonStackReader reader = PythonStackReader.open(t.pid())) {
            assertThat(reader.read()).isNotEmpty();
            t.close();
            assertThatThrownBy(reader::read).isInstanceOf(ProcessGoneException.class);
        } finally {
            t.close();
        }
    }

    @Test
    void processExitsBetweenSamples() {
        String program = "import time; print('ready', flush=True); time.sleep(0.3)";
        try (TestPythons.Target t = TestPythons.start("3.14", program)) {
            assertThatThrownBy(() -> PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.of(20, 100, null, null)))
                    .isInstanceOf(ProcessGoneException.class);
        }
    }

    /** Another user's process, read by root WITHOUT CAP_SYS_PTRACE (a child JVM under setpriv). */
    @Test
    void permissionDeniedOtherUser() throws Exception {
        TestPythons.require("3.14");
        List<String> cmd = List.of("/usr/sbin/chroot", "--userspec=65534:65534", TestPythons.SID_ROOT.toString(),
                "/usr/bin/python3.14", "-c", PARKED);
        try (TestPythons.Target t = TestPythons.start(cmd, Map.of())) {
            List<String> out = readWithoutPtraceCapability(t.pid());
            assertThat(out).anyMatch(l -> l.startsWith("IDENTIFY PythonIdentity[version=3.14.")
                    && l.contains("versionFromMemory=false") && l.contains("remoteDebugEnabled=null"));
            String snap = out.stream().filter(l -> l.startsWith("SNAPSHOT ")).findFirst().orElseThrow();
            assertThat(snap).startsWith("SNAPSHOT permission_denied|").contains("runs as uid 65534")
                    .contains("CAP_SYS_PTRACE").contains("Run thaw as the target's user");
        }
    }

    /** A same-user process that made itself non-dumpable, read without CAP_SYS_PTRACE. */
    @Test
    void permissionDeniedNonDumpable() throws Exception {
        String program = "import ctypes, threading; ctypes.CDLL(None).prctl(4, 0, 0, 0, 0); "
                + "print('ready', flush=True); threading.Event().wait()";
        try (TestPythons.Target t = TestPythons.start("3.14", program)) {
            List<String> out = readWithoutPtraceCapability(t.pid());
            String snap = out.stream().filter(l -> l.startsWith("SNAPSHOT ")).findFirst().orElseThrow();
            assertThat(snap).startsWith("SNAPSHOT permission_denied|").contains("not dumpable")
                    .contains("CAP_SYS_PTRACE");
        }
    }

    private static List<String> readWithoutPtraceCapability(int pid) throws Exception {
        return runReader(pid, "-sys_ptrace");
    }

    /** Runs {@link ReadFromOutsideMain} in a child JVM without the given capabilities (setpriv syntax). */
    static List<String> runReader(int pid, String dropCaps) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv is needed");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--bounding-set", dropCaps,
                "--inh-caps", dropCaps, "--", java.toString(), "-cp", System.getProperty("java.class.path"),
                ReadFromOutsideMain.class.getName(), Integer.toString(pid)));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return err.lines().toList();
    }
}
