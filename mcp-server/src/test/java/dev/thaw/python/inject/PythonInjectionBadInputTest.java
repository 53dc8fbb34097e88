package dev.thaw.python.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.OutputPage;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad inputs to injection, each against real targets: the answer says what happened, the target is fine. */
class PythonInjectionBadInputTest {

    static Injections injections;

    @BeforeAll
    static void start() {
        injections = new Injections();
    }

    @AfterAll
    static void stop() {
        injections.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aSyntaxErrorFailsWithTheCompilersMessageAndRunsNothing(String version) throws Exception {
        try (TestPythons.Target t = TestPythons.start(version, PythonInjectionTest.BUSY_TARGET)) {
            assertHeartbeat(t); // the heartbeat thread is up
            int threads = taskCount(t.pid());
            InjectionResult r = injections.inject(t.pid(), "print('never')\nx = (1,\nif x:\n    pass\n");
            assertThat(r.state()).isEqualTo("failed");
            assertThat(r.delivered()).isTrue();
            assertThat(r.errorType()).isEqualTo("SyntaxError");
            assertThat(r.error()).contains("<thaw-script>").contains("line 2").contains("^").contains("SyntaxError: '(' was never closed");
            assertThat(r.output()).isEmpty();
            assertThat(r.scriptTid()).isNull();
            Thread.sleep(200);
            assertThat(taskCount(t.pid())).as("no thread was started").isEqualTo(threads);
            assertThat(t.stderr()).isEmpty();
            assertHeartbeat(t);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aScriptThatLoopsForeverTimesOutWhileTheTargetsThreadsKeepRunning(String version) {
        try (TestPythons.Target t = TestPythons.start(version, PythonInjectionTest.BUSY_TARGET)) {
            InjectionResult r = injections.inject(t.pid(), "print('spinning')\nwhile True:\n    pass\n", Duration.ofSeconds(1));
            assertThat(r.state()).isEqualTo("timed_out");
            assertThat(r.delivered()).isTrue();
            assertThat(r.output()).isEqualTo("spinning\n");
            assertThat(r.notes()).anyMatch(n -> n.contains("Python cannot stop a thread"));
            // The application's own threads still run: its heartbeat keeps coming after the timeout.
            assertHeartbeat(t);
            // The next injection works while the first one still spins.
            InjectionResult next = injections.inject(t.pid(), "print('next')");
            assertThat(next.state()).as(next.toString()).isEqualTo("completed");
            assertThat(next.output()).isEqualTo("next\n");
            OutputPage still = injections.service.readOutput(r.injectionId(), 0, 100, Duration.ZERO);
            assertThat(still.state()).isEqualTo("timed_out");
            assertThat(still.complete()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aFloodOfOutputIsTruncatedAtTheCap(String version) {
        try (TestPythons.Target t = TestPythons.start(version, PythonInjectionTest.BUSY_TARGET)) {
            InjectionResult big = injections.inject(t.pid(), "print('x' * (5 << 20))", Duration.ofSeconds(30));
            assertThat(big.state()).isEqualTo("completed");
            assertThat(big.truncated()).isTrue();
            assertThat(big.outputBytes()).isEqualTo(4L << 20);
            assertThat(big.droppedBytes()).isEqualTo((5L << 20) + 1 - (4L << 20));
            assertThat(big.output()).hasSize(dev.thaw.inject.InjectionService.PREVIEW_BYTES).matches("x+");

            InjectionResult lines = injections.inject(InjectionRequest.of(t.pid(), "for i in range(300000):\n    print('line', i)")
                    .withOutputCap(64 * 1024).withTimeout(Duration.ofSeconds(60)));
            assertThat(lines.state()).isEqualTo("completed");
            assertThat(lines.truncated()).isTrue();
            assertThat(lines.outputBytes()).isEqualTo(64 * 1024);
            assertHeartbeat(t);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void sysExitAndKeyboardInterruptAreCaught(String version) {
        try (TestPythons.Target t = TestPythons.start(version, PythonInjectionTest.BUSY_TARGET)) {
            InjectionResult three = injections.inject(t.pid(), "import sys\nprint('bye')\nsys.exit(3)");
            assertThat(three.state()).isEqualTo("failed");
            assertThat(three.exitCode()).isEqualTo(3);
            assertThat(three.error()).isEqualTo("SystemExit: 3");
            assertThat(three.output()).isEqualTo("bye\n");

            InjectionResult zero = injections.inject(t.pid(), "import sys\nsys.exit()");
            assertThat(zero.state()).isEqualTo("completed");
            assertThat(zero.exitCode()).isEqualTo(0);

            InjectionResult kbd = injections.inject(t.pid(), "def f():\n    raise KeyboardInterrupt('no')\nf()");
            assertThat(kbd.state()).isEqualTo("failed");
            assertThat(kbd.errorType()).isEqualTo("KeyboardInterrupt");
            assertThat(kbd.traceback()).contains("line 3, in <module>").contains("line 2, in f")
                    .contains("raise KeyboardInterrupt('no')").doesNotContain("lib");

            InjectionResult inlineExit = injections.inject(t.pid(), "raise SystemExit(5)", ThreadChoice.MAIN,
                    InjectionMode.INLINE, Duration.ofSeconds(10));
            assertThat(inlineExit.state()).isEqualTo("failed");
            assertThat(inlineExit.exitCode()).isEqualTo(5);
            assertThat(t.process().isAlive()).isTrue();
            assertHeartbeat(t);
            assertThat(t.stderr()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aTargetThatExitsMidInjectionIsReportedAsExited(String version) throws Exception {
        TestPythons.Target t = TestPythons.start(version, PythonInjectionTest.BUSY_TARGET);
        InjectionResult r;
        try (t) {
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(700);
                } catch (InterruptedException e) {
                    return;
                }
                t.process().destroyForcibly();
            });
            killer.start();
            r = injections.inject(t.pid(), "import time\nprint('started', flush=True)\ntime.sleep(30)",
                    Duration.ofSeconds(20));
            killer.join();
            assertThat(r.state()).isEqualTo("target_exited");
            assertThat(r.delivered()).isTrue();
            assertThat(r.output()).isEqualTo("started\n");
            assertThat(r.elapsedMs()).isLessThan(5000);
        }
        // The target is gone, and so is its directory (removed through the chroot's path as seen from here).
        injections.dirs.awaitRemovals(Duration.ofSeconds(5));
        assertThat(Injections.leftovers(TestPythons.SID_ROOT)).noneMatch(n -> n.endsWith("-" + r.injectionId()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aTargetThatExitsBeforeDeliveryIsReportedAsExited(String version) throws Exception {
        // Asleep for 10 s: it could pick the script up within the 20 s wait (a lock wait would be undeliverable at once).
        String blocked = "import time\nprint('ready', flush=True)\ntime.sleep(10)\n";
        TestPythons.Target t = TestPythons.start(version, blocked);
        try (t) {
            new Thread(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                t.process().destroyForcibly();
            }).start();
            InjectionResult r = injections.inject(t.pid(), "print(1)", ThreadChoice.MAIN, InjectionMode.THREAD,
                    Duration.ofSeconds(20));
            assertThat(r.state()).isEqualTo("target_exited");
            assertThat(r.delivered()).isFalse();
        }
    }

    @Test
    void python313IsRefusedWithTheCodeReadingGivesIt() {
        try (TestPythons.Target t = TestPythons.start("3.13", PythonInjectionTest.BUSY_TARGET)) {
            assertThatThrownBy(() -> injections.inject(t.pid(), "print(1)"))
                    .isInstanceOfSatisfying(ThawException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
                        assertThat(e.getMessage()).contains("3.13").contains("PEP 768").contains("3.14");
                        // snapshot refuses 3.13 too: the fix must not send the caller there.
                        assertThat(e.fix()).contains("3.14 or 3.15").doesNotContain("snapshot");
                    });
            // One condition, one code: reading the same process is refused the same way.
            assertThatThrownBy(() -> dev.thaw.python.snapshot.PythonSnapshotter.snapshot(t.pid(), dev.thaw.snapshot.SnapshotRequest.defaults()))
                    .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION));
            assertThat(injections.leftovers(t.pid())).noneMatch(n -> n.contains(injections.dirs.owner()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void remoteDebuggingDisabledIsRefusedSayingHowToEnableIt(String version) {
        try (TestPythons.Target byEnv = TestPythons.start(version, Map.of("PYTHON_DISABLE_REMOTE_DEBUG", "1"),
                PythonInjectionTest.BUSY_TARGET);
             TestPythons.Target byFlag = TestPythons.start(List.of(TestPythons.require(version).toString(),
                     "-X", "disable-remote-debug", "-c", PythonInjectionTest.BUSY_TARGET), Map.of())) {
            for (TestPythons.Target t : List.of(byEnv, byFlag)) {
                assertThatThrownBy(() -> injections.inject(t.pid(), "print(1)"))
                        .isInstanceOfSatisfying(ThawException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.REMOTE_DEBUG_DISABLED);
                            assertThat(e.getMessage()).contains("Remote debugging is disabled");
                            assertThat(e.fix()).contains("PYTHON_DISABLE_REMOTE_DEBUG").contains("-X disable-remote-debug")
                                    .contains("snapshot");
                        });
            }
        }
    }

    @Test
    void notAPythonProcessAndAMissingProcessAreRefused() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        assertThatThrownBy(() -> injections.inject(self, "print(1)"))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SELF_TARGET));
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            assertThatThrownBy(() -> injections.inject((int) sleeper.pid(), "print(1)"))
                    .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_RUNTIME));
        } finally {
            sleeper.destroyForcibly();
        }
        assertThatThrownBy(() -> injections.inject(999_999_999, "print(1)"))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PROCESS_GONE));
        assertThatThrownBy(() -> injections.service.readOutput("inj0-none", 0, 100, Duration.ZERO))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_INJECTION));
    }

    /** The heartbeat thread prints every 20 ms: new lines must keep coming. */
    static void assertHeartbeat(TestPythons.Target t) {
        t.drain();
        assertThat(t.nextLine(Duration.ofSeconds(3))).startsWith("hb ");
        assertThat(t.nextLine(Duration.ofSeconds(3))).startsWith("hb ");
    }

    static int taskCount(int pid) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
            return (int) s.count();
        }
    }
}
