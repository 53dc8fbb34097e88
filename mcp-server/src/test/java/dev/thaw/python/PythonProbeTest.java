package dev.thaw.python;

import dev.thaw.proc.ProcessGoneException;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** identify() against real interpreters from the sid root (another root file system: the container case). */
class PythonProbeTest {

    static final String REPORT = "import sys,time; print(hex(sys.hexversion), sys.version_info.releaselevel,"
            + " getattr(sys, 'is_remote_debug_enabled', lambda: None)(), flush=True); time.sleep(120)";

    @ParameterizedTest
    @ValueSource(strings = {"3.13", "3.14", "3.15"})
    void identifiesTheExactVersion(String version) {
        try (TestPythons.Target t = TestPythons.start(version, REPORT)) {
            String[] reported = t.readyLine().split(" ");
            PythonIdentity id = PythonProbe.identify(t.pid()).orElseThrow();
            assertThat("0x" + Long.toHexString(id.version().hex())).isEqualTo(reported[0]);
            assertThat(id.version().releaseLevel()).isEqualTo(reported[1]);
            assertThat(id.version().minorVersion()).isEqualTo(version);
            assertThat(id.freeThreaded()).isFalse();
            assertThat(id.versionFromMemory()).isTrue();
            assertThat(id.runtimeAddress()).isNotZero();
            if (version.equals("3.13")) {
                assertThat(id.remoteDebugEnabled()).isNull();
                assertThat(id.unsupportedReason()).contains("older than 3.14");
            } else {
                assertThat(reported[2]).isEqualTo("True");
                assertThat(id.remoteDebugEnabled()).isTrue();
                assertThat(id.unsupportedReason()).isNull();
                assertThat(id.supported()).isTrue();
            }
        }
    }

    @Test
    void remoteDebuggingDisabledByEnvironment() {
        try (TestPythons.Target t = TestPythons.start("3.14", Map.of("PYTHON_DISABLE_REMOTE_DEBUG", "1"), REPORT)) {
            assertThat(t.readyLine()).endsWith("False");
            PythonIdentity id = PythonProbe.identify(t.pid()).orElseThrow();
            assertThat(id.remoteDebugEnabled()).isFalse();
            assertThat(id.supported()).isTrue();
        }
    }

    @Test
    void remoteDebuggingDisabledByXOptionOn315() {
        try (TestPythons.Target t = TestPythons.start("3.15", Map.of(),
                "import sys,time; print(sys.is_remote_debug_enabled(), flush=True); time.sleep(120)")) {
            // -X cannot be passed through start(version, code); PYTHON_DISABLE_REMOTE_DEBUG is equivalent (unless -E/-I)
            assertThat(PythonProbe.identify(t.pid()).orElseThrow().remoteDebugEnabled())
                    .isEqualTo(Boolean.parseBoolean(t.readyLine().toLowerCase()));
        }
    }

    @Test
    void mainInterpreterIsFoundWhileASubInterpreterIsAlive() {
        String code = "from concurrent import interpreters; import time\n"
                + "i = interpreters.create()\nprint('ready', flush=True)\ntime.sleep(120)";
        try (TestPythons.Target t = TestPythons.start("3.14", code)) {
            assertThat(PythonProbe.identify(t.pid()).orElseThrow().remoteDebugEnabled()).isTrue();
        }
    }

    @Test
    void notPython() throws Exception {
        Process p = new ProcessBuilder("sleep", "100").start();
        try {
            assertThat(PythonProbe.identify((int) p.pid())).isEmpty();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void ourOwnJvmIsNotPython() {
        assertThat(PythonProbe.identify((int) ProcessHandle.current().pid())).isEqualTo(Optional.empty());
    }

    @Test
    void vanishedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        int pid = (int) p.pid();
        assertThatThrownBy(() -> PythonProbe.identify(pid)).isInstanceOf(ProcessGoneException.class);
    }
}
