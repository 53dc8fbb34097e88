package dev.thaw.python.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.OutputPage;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Injection into real CPython 3.14 and 3.15 processes (the sid root: another mount namespace):
 * output and params, the thread choice where sys.remote_exec fails, inline mode, serialization,
 * paging, and a script that outlives its wait.
 */
class PythonInjectionTest {

    static Injections injections;

    /** Main loop in a function (so an inline script sees a named frame), and a heartbeat thread on stdout. */
    static final String BUSY_TARGET = PythonProgram.of("python/inject/busy_target.py").text();

    /** The main thread blocks forever in Lock.acquire() while a worker keeps running bytecode. */
    static final String MAIN_BLOCKED_WORKER_RUNS = PythonProgram.of("python/inject/main_blocked_worker_runs.py").text();

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
    void runsTheScriptWithParamsAndReturnsItsOutput(String version) {
        try (TestPythons.Target t = TestPythons.start(version, BUSY_TARGET)) {
            InjectionResult r = injections.inject(t.pid(), """
                    import sys
                    print('hello', params['who'], params['n'] + 1)
                    print('to stderr', file=sys.stderr)
                    out.write('via out\\n')
                    out.print('héllo ✓ 𝄞')
                    print(sorted(k for k in globals() if not k.startswith('__')))
                    """, Map.of("who", "thaw", "n", 41));
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            assertThat(r.delivered()).isTrue();
            assertThat(r.output()).isEqualTo("hello thaw 42\nto stderr\nvia out\nhéllo ✓ 𝄞\n"
                    + "['frame', 'injection_id', 'out', 'params', 'sys']\n");
            assertThat(r.more()).isFalse();
            assertThat(r.scriptTid()).isNotNull().isNotEqualTo((long) t.pid());
            assertThat(r.sha256()).hasSize(64);
            assertThat(injections.leftovers(t.pid(), r.injectionId())).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aTargetOfAnotherUserGetsAPrivateDirectoryItOwnsWithThawsPayloadInside(String version) {
        TestPythons.require(version);
        List<String> asNobody = List.of("/usr/sbin/chroot", "--userspec=65534:65534", TestPythons.SID_ROOT.toString(),
                "/usr/bin/python" + version, "-c", BUSY_TARGET);
        try (TestPythons.Target t = TestPythons.start(asNobody, Map.of())) {
            InjectionResult r = injections.inject(t.pid(), """
                    import os, glob
                    d = glob.glob('/dev/shm/thaw-inj-*-' + injection_id)[0]  # a tmpfs /dev/shm is preferred
                    st = os.stat(d)
                    print(os.getuid(), st.st_uid, st.st_gid, oct(st.st_mode & 0o777))
                    for name in sorted(os.listdir(d)):
                        if name in ('bootstrap.py', 'lib.py', 'lib.marshal'):
                            f = os.stat(os.path.join(d, name))
                            print(name, f.st_uid, oct(f.st_mode & 0o777))
                    """);
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            List<String> lines = r.output().lines().toList();
            assertThat(lines.get(0)).isEqualTo("65534 65534 65534 0o700");
            // The payload is thaw's (written before the directory was handed over, read-only to the
            // target); the directory is the target's user's alone, so nobody else can read it.
            assertThat(lines.subList(1, lines.size())).isNotEmpty().allMatch(l -> l.endsWith(" 0 0o644"))
                    .anyMatch(l -> l.startsWith("bootstrap.py")).anyMatch(l -> l.startsWith("lib."));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void bytesWrittenToTheStreamsBuffersAreCapturedToo(String version) {
        try (TestPythons.Target t = TestPythons.start(version, BUSY_TARGET)) {
            InjectionResult r = injections.inject(t.pid(), """
                    import sys
                    sys.stdout.buffer.write(b'binary out\\n')
                    sys.stdout.buffer.flush()
                    sys.stderr.buffer.write(bytearray(b'binary err\\n'))
                    sys.stdout.buffer.writelines([b'a', memoryview(b'b\\n')])
                    e = 'é'.encode()
                    sys.stdout.buffer.write(e[:1])
                    sys.stdout.buffer.write(e[1:] + b'\\n')
                    print('text')
                    """);
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            // a UTF-8 character split across two binary writes arrives whole
            assertThat(r.output()).isEqualTo("binary out\nbinary err\nab\né\ntext\n");
            assertThat(t.drain()).as("nothing reached the application's stdout").noneMatch(l -> l.contains("binary"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void capturesOnlyTheScriptsOwnThread(String version) {
        try (TestPythons.Target t = TestPythons.start(version, BUSY_TARGET)) {
            InjectionResult r = injections.inject(t.pid(), """
                    import time
                    for i in range(20):
                        print('mine', i)
                        time.sleep(0.01)
                    """);
            assertThat(r.state()).isEqualTo("completed");
            assertThat(r.output().lines()).hasSize(20).allMatch(l -> l.startsWith("mine "));
            // The application's own prints kept going to its stdout, and ours never did.
            List<String> appLines = new ArrayList<>(t.drain());
            appLines.add(t.nextLine(Duration.ofSeconds(5)));
            assertThat(appLines).isNotEmpty().allMatch(l -> l.startsWith("hb "));
            // and the proxies are gone: the next injection sees the original streams
            // (during a script its own proxy is installed, wrapping the program's stream, not an older proxy)
            InjectionResult check = injections.inject(t.pid(), "import sys, gc\n"
                    + "print(type(sys.stdout._thaw_orig).__name__, type(sys.stderr._thaw_orig).__name__,\n"
                    + "      sum(1 for o in gc.get_objects() if type(o).__name__ == '_Stream'))");
            assertThat(check.output()).isEqualTo("TextIOWrapper TextIOWrapper 2\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void mainBlockedForeverInLockAcquireAutoUsesTheRunningWorker(String version) {
        try (TestPythons.Target t = TestPythons.start(version, MAIN_BLOCKED_WORKER_RUNS)) {
            awaitBlockedInFutex(t.pid());
            InjectionResult r = injections.inject(t.pid(), "import threading\nprint('ran', threading.main_thread().is_alive())",
                    Duration.ofSeconds(10));
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            assertThat(r.output()).isEqualTo("ran True\n");
            // Picked up by the worker: the main thread is blocked where sys.remote_exec would wait forever.
            assertThat(r.deliveredTid()).isNotNull().isNotEqualTo((long) t.pid());
        }
    }

    /**
     * A container's process (its own PID namespace): the thread ids CPython records are not the
     * host's /proc ids, yet auto must still see which thread runs and deliver there. The target
     * prints its host pid (/proc/self in the sid root is the host's /proc).
     */
    @org.junit.jupiter.api.Test
    void aTargetInItsOwnPidNamespaceGetsTheScriptThroughItsRunningWorker() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare is needed");
        String target = MAIN_BLOCKED_WORKER_RUNS.replace("print('ready', flush=True)",
                "import os; print(os.readlink('/proc/self'), flush=True)");
        try (TestPythons.Target t = TestPythons.start(List.of("/usr/bin/unshare", "--pid", "--fork", "--kill-child",
                TestPythons.require("3.14").toString(), "-c", target), java.util.Map.of())) {
            int pid = Integer.parseInt(t.readyLine().trim());
            awaitBlockedInFutex(pid);
            InjectionResult r = injections.inject(pid, "import threading\nprint('ran', threading.current_thread().name)",
                    Duration.ofSeconds(10));
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            assertThat(r.output()).startsWith("ran ");
            // Ids as the process sees them: its main thread is 1 there, and it was not the one.
            assertThat(r.deliveredTid()).isNotNull().isNotEqualTo(1L);
        }
    }

    /**
     * exec() keeps the pid and the start time: a 3.14 process that becomes a 3.15 one must be
     * identified afresh, or it would be handed the library 3.14 compiled (undefined behaviour in
     * 3.15's interpreter, a crash at worst).
     */
    @org.junit.jupiter.api.Test
    void aProcessThatExecsAnotherPythonIsIdentifiedAfresh() throws Exception {
        TestPythons.require("3.15");
        try (TestPythons.Target t = TestPythons.start("3.14", PythonProgram.of("python/inject/execs_python_3_15.py"),
                PythonProgram.of("python/inject/after_exec.py").text())) {
            InjectionResult first = injections.inject(t.pid(), "import sys\nprint(sys.version_info[:2])",
                    Duration.ofSeconds(10));
            assertThat(first.output()).as(first.toString()).isEqualTo("(3, 14)\n");
            InjectionResult cached = injections.inject(t.pid(), "print('again')", Duration.ofSeconds(10));
            assertThat(cached.state()).as(cached.toString()).isEqualTo("completed"); // the compiled library is in use
            Files.writeString(TestPythons.SID_ROOT.resolve("tmp/thaw-test-exec-" + t.pid()), "");
            assertThat(t.nextLine(Duration.ofSeconds(20))).isEqualTo("ready2");
            InjectionResult after = injections.inject(t.pid(), "import sys\nprint(sys.version_info[:2])",
                    Duration.ofSeconds(10));
            assertThat(after.state()).as(after.toString()).isEqualTo("completed");
            assertThat(after.output()).isEqualTo("(3, 15)\n");
            assertThat(t.process().isAlive()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void severalArmedThreadsRunTheScriptOnce(String version) throws Exception {
        PythonProgram target = PythonProgram.of("python/inject/four_spinners.py");
        String markers = "/tmp/thaw-test-once-" + version + "-" + ProcessHandle.current().pid();
        try (TestPythons.Target t = TestPythons.start(version, target)) {
            // auto arms a thread that could end by itself only once it has lived a second (ThreadPlanner.SETTLED_MS).
            Thread.sleep(ThreadPlanner.SETTLED_MS + 200);
            Path dir = injections.proc.inTargetRoot(t.pid(), markers);
            Files.createDirectories(dir);
            int maxArmed = 0;
            for (int i = 0; i < 10; i++) {
                InjectionResult r = injections.inject(t.pid(), "import os, threading\n"
                        + "open('" + markers + "/' + injection_id + '-' + str(threading.get_native_id()), 'x').close()\n"
                        + "print('ran')");
                assertThat(r.state()).as(r.toString()).isEqualTo("completed");
                maxArmed = Math.max(maxArmed, r.armedTids().size());
                assertThat(r.output()).isEqualTo("ran\n");
            }
            // (a thread caught for a moment on the GIL's internal mutex looks blocked: not every round arms all)
            assertThat(maxArmed).as("several threads were armed").isGreaterThan(1);
            Thread.sleep(300); // any second run would have happened by now
            try (var files = Files.list(dir)) {
                assertThat(files.count()).as("one run per injection").isEqualTo(10);
            }
            assertThat(t.stderr()).isEmpty();
        } finally {
            Path host = TestPythons.SID_ROOT.resolve(markers.substring(1));
            if (Files.isDirectory(host)) {
                try (var files = Files.list(host)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(host);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void mainThreadChoiceOnABlockedMainIsUndeliverableExplainsAndNeverRuns(String version) throws Exception {
        Path marker = Path.of("/tmp/thaw-test-never-" + version + "-" + ProcessHandle.current().pid());
        PythonProgram target = PythonProgram.of("python/inject/main_blocked_then_released.py");
        try (TestPythons.Target t = TestPythons.start(version, target)) {
            awaitBlockedInFutex(t.pid());
            Path markerInTarget = injections.proc.inTargetRoot(t.pid(), marker.toString());
            InjectionResult r = injections.inject(t.pid(), "open('" + marker + "', 'w').close()", ThreadChoice.MAIN,
                    InjectionMode.THREAD, Duration.ofMillis(800));
            // The chosen thread cannot reach a safe point within the wait: answered at once, nothing armed.
            assertThat(r.state()).as(r.toString()).isEqualTo("undeliverable");
            assertThat(r.delivered()).isFalse();
            assertThat(r.armedTids()).isEmpty();
            assertThat(r.pending()).isNotNull();
            assertThat(r.pending().threads()).singleElement().satisfies(a -> {
                assertThat(a.main()).isTrue();
                assertThat(a.syscall()).isEqualTo("futex");
                assertThat(a.waitKind()).isEqualTo("unbounded");
                // its Python stack, read from memory like snapshot does: the module-level lock.acquire() line
                assertThat(a.frames()).isNotEmpty();
                assertThat(a.frames().get(0)).isEqualTo("<module> (<string>:" + target.line("main-blocks") + ")");
            });
            assertThat(r.pending().summary()).contains("without timeout");
            assertThat(String.join(" ", r.pending().advice())).contains("will never run");
            // The main thread wakes later and passes safe points: the taken-back script must not run.
            assertThat(t.nextLine(Duration.ofSeconds(10))).isEqualTo("main woke");
            Thread.sleep(300);
            assertThat(markerInTarget).doesNotExist();
            assertThat(t.stderr()).doesNotContain("debugger script");
            assertThat(injections.leftovers(t.pid(), r.injectionId())).isEmpty();
        } finally {
            Files.deleteIfExists(Path.of("/var/lib/thaw/sid").resolve(marker.toString().substring(1)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void mainScriptReturnedWithNonDaemonThreadsAlive(String version) throws Exception {
        PythonProgram target = PythonProgram.of("python/inject/main_returned_keeper_alive.py");
        try (TestPythons.Target t = TestPythons.start(version, target)) {
            Thread.sleep(300); // let the main script return into threading._shutdown()
            assertThatThrownBy(() -> injections.inject(t.pid(), "print(1)", ThreadChoice.MAIN, InjectionMode.THREAD,
                    Duration.ofSeconds(2)))
                    .isInstanceOfSatisfying(ThawException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.NO_MAIN_THREAD);
                        assertThat(e.getMessage()).contains("sys.remote_exec");
                    });
            InjectionResult r = injections.inject(t.pid(), "import threading\nprint(sorted(t.name for t in threading.enumerate()))");
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            assertThat(r.output()).contains("keeper");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void inlineModeRunsOnTheInterruptedThreadAndSeesItsFrame(String version) {
        try (TestPythons.Target t = TestPythons.start(version, BUSY_TARGET)) {
            PythonInjectionBadInputTest.assertHeartbeat(t); // main is in loop() by now
            InjectionResult r = injections.inject(t.pid(), """
                    import os, threading
                    print(frame.f_code.co_name, threading.get_native_id() == os.getpid())
                    """, ThreadChoice.MAIN, InjectionMode.INLINE, Duration.ofSeconds(10));
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            assertThat(r.output()).isEqualTo("loop True\n");
            assertThat(r.scriptTid()).isEqualTo((long) t.pid());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aNumericThreadIdIsHonouredAndAnUnknownOneRefused(String version) {
        try (TestPythons.Target t = TestPythons.start(version, BUSY_TARGET)) {
            PythonInjectionBadInputTest.assertHeartbeat(t); // the beat thread has started
            InjectionResult tids = injections.inject(t.pid(), """
                    import threading
                    print(' '.join(str(x.native_id) for x in threading.enumerate() if x.name.endswith('(beat)')))
                    """);
            long beat = Long.parseLong(tids.output().trim().split(" ")[0]);
            InjectionResult r = injections.inject(t.pid(), "print('x')", ThreadChoice.tid(beat), InjectionMode.INLINE,
                    Duration.ofSeconds(10));
            assertThat(r.state()).isEqualTo("completed");
            assertThat(r.deliveredTid()).isEqualTo(beat);
            assertThat(r.scriptTid()).isEqualTo(beat);
            assertThatThrownBy(() -> injections.inject(t.pid(), "print(1)", ThreadChoice.tid(999_999_999L),
                    InjectionMode.THREAD, Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_SUCH_THREAD));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void injectionsIntoOneProcessAreSerialized(String version) {
        try (TestPythons.Target t = TestPythons.start(version, BUSY_TARGET)) {
            List<CompletableFuture<InjectionResult>> all = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String code = "import time\ntime.sleep(0.05)\nprint('n', " + i + ")";
                all.add(CompletableFuture.supplyAsync(() -> injections.inject(t.pid(), code, Duration.ofSeconds(20))));
            }
            List<String> outputs = all.stream().map(CompletableFuture::join).peek(r ->
                    assertThat(r.state()).as(r.toString()).isEqualTo("completed")).map(InjectionResult::output).toList();
            assertThat(outputs).containsExactlyInAnyOrder("n 0\n", "n 1\n", "n 2\n", "n 3\n", "n 4\n", "n 5\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void longOutputIsPagedWithReadOutput(String version) {
        try (TestPythons.Target t = TestPythons.start(version, BUSY_TARGET)) {
            InjectionResult r = injections.inject(t.pid(), "for i in range(2000):\n    print('%05d' % i + 'é' * 40)");
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                expected.append(String.format("%05d", i)).append("é".repeat(40)).append('\n');
            }
            assertThat(r.state()).isEqualTo("completed");
            assertThat(r.more()).isTrue();
            assertThat(r.output().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isBetween(16_000, 16_384);
            StringBuilder all = new StringBuilder(r.output());
            long offset = r.nextOffset();
            OutputPage page;
            int pages = 0;
            do {
                page = injections.service.readOutput(r.injectionId(), offset, 10_001, Duration.ZERO);
                all.append(page.text());
                offset = page.nextOffset();
                pages++;
            } while (!page.complete() && pages < 100);
            assertThat(page.complete()).isTrue();
            assertThat(all.toString()).isEqualTo(expected.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aScriptThatOutlivesItsWaitIsTimedOutAndItsLateOutputStillCollected(String version) {
        try (TestPythons.Target t = TestPythons.start(version, BUSY_TARGET)) {
            InjectionResult r = injections.inject(t.pid(), "import time\nprint('early')\ntime.sleep(1.5)\nprint('late')",
                    Duration.ofMillis(400));
            assertThat(r.state()).isEqualTo("timed_out");
            assertThat(r.delivered()).isTrue();
            assertThat(r.notes()).anyMatch(n -> n.contains("cannot stop a thread"));
            OutputPage page = injections.service.readOutput(r.injectionId(), 0, 1000, Duration.ofSeconds(10));
            assertThat(page.state()).isEqualTo("completed");
            assertThat(page.text()).isEqualTo("early\nlate\n");
            assertThat(page.complete()).isTrue();
            assertThat(injections.leftovers(t.pid(), r.injectionId())).isEmpty();
        }
    }

    /** Waits until the main thread sleeps in a futex (printing "ready" comes just before it blocks). */
    static void awaitBlockedInFutex(int pid) {
        String futex = "aarch64".equals(System.getProperty("os.arch")) ? "98 " : "202 ";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/syscall")).startsWith(futex)) {
                    return;
                }
                Thread.sleep(10);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("main thread of " + pid + " never blocked in futex");
    }

    @org.junit.jupiter.api.Test
    void theRequestIsValidated() {
        assertThatThrownBy(() -> InjectionRequest.of(1, " "))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> ThreadChoice.parse("mian"))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.getMessage()).contains("auto"));
        assertThatThrownBy(() -> InjectionMode.parse("fork"))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.getMessage()).contains("inline"));
    }
}
