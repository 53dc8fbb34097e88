package dev.thaw.python.inject;

import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fail fast: when no thread of a real target can reach a safe point within the caller's wait, the
 * answer is {@code undeliverable} at once, with the reasons, and the script can never run later;
 * signals are proposed only when their handler, read from memory, does nothing.
 */
class UndeliverableInjectionTest {

    static Injections injections;

    /** Every thread blocked without a timeout: main in Lock.acquire(), a worker in a read of stdin that releases it. */
    static final String ALL_BLOCKED = PythonProgram.of("python/inject/all_blocked_until_stdin.py").text();

    /** The script, if it ever ran, would write straight to the target's stdout. */
    static final String MARKER_SCRIPT = "import os\nos.write(1, b'INJECTED\\n')\nprint('ran')\n";

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
    void everyThreadBlockedWithoutTimeoutIsUndeliverableAtOnceAndNeverRunsLater(String version) throws Exception {
        try (TestPythons.Target t = TestPythons.start(version, ALL_BLOCKED)) {
            awaitAllSleeping(t.pid());
            // The first injection of a fresh service also pays its start-up (class loading, the sweep of
            // stale directories): measure the second.
            assertThat(injections.inject(t.pid(), MARKER_SCRIPT, Duration.ofSeconds(10)).state()).isEqualTo("undeliverable");
            InjectionResult r = injections.inject(t.pid(), MARKER_SCRIPT, Duration.ofSeconds(10));
            assertThat(r.state()).as(r.toString()).isEqualTo("undeliverable");
            assertThat(r.delivered()).isFalse();
            System.out.println(version + ": undeliverable answered in " + r.elapsedMs() + " ms");
            assertThat(r.elapsedMs()).as("answered at once, not after the 10 s wait").isLessThan(1_000);
            assertThat(r.armedTids()).as("nothing armed").isEmpty();
            assertThat(r.pending().summary()).contains("Undeliverable", "(main)", "futex wait without timeout",
                    "stdin-waiter");
            assertThat(r.pending().threads()).hasSize(2);
            assertThat(String.join("\n", r.pending().advice())).contains("snapshot", "will never run");
            assertThat(injections.leftovers(t.pid(), r.injectionId())).as("the payload was removed").isEmpty();

            // Release every thread: they now pass safe point after safe point, and the script must not run.
            OutputStream stdin = t.process().getOutputStream();
            stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String line = t.nextLine(Duration.ofSeconds(10));
                if (line == null) {
                    break;
                }
                seen.add(line);
            }
            assertThat(seen).as("the threads ran on").contains("released 0", "released 39").doesNotContain("INJECTED");
            assertThat(injections.service.status(r.injectionId()).state()).isEqualTo("undeliverable");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aSleepThatEndsAfterTheWaitIsUndeliverableAndOneThatEndsWithinIsDelivered(String version) {
        try (TestPythons.Target t = TestPythons.start(version, "import time\nprint('ready', flush=True)\ntime.sleep(1000)\n")) {
            awaitAllSleeping(t.pid());
            InjectionResult r = injections.inject(t.pid(), MARKER_SCRIPT, Duration.ofSeconds(5));
            assertThat(r.state()).as(r.toString()).isEqualTo("undeliverable");
            System.out.println(version + ": sleep past the wait, undeliverable answered in " + r.elapsedMs() + " ms");
            assertThat(r.elapsedMs()).isLessThan(1_000);
            assertThat(r.pending().summary()).contains("sleep ending in", "wakes after the 5 s wait");
            assertThat(String.join("\n", r.pending().advice())).contains("timeout_s above");
        }
        try (TestPythons.Target t = TestPythons.start(version,
                "import time\nprint('ready', flush=True)\nwhile True:\n    time.sleep(1)\n")) {
            awaitAllSleeping(t.pid());
            InjectionResult r = injections.inject(t.pid(), "print('ran')", Duration.ofSeconds(10));
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            assertThat(r.output()).isEqualTo("ran\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void anExplicitThreadBlockedForeverIsUndeliverableAndAutoIsNamed(String version) {
        try (TestPythons.Target t = TestPythons.start(version, PythonInjectionTest.MAIN_BLOCKED_WORKER_RUNS)) {
            awaitSleeping(t.pid(), t.pid());
            InjectionResult r = injections.inject(t.pid(), MARKER_SCRIPT, ThreadChoice.MAIN, InjectionMode.THREAD,
                    Duration.ofSeconds(10));
            assertThat(r.state()).as(r.toString()).isEqualTo("undeliverable");
            assertThat(String.join("\n", r.pending().advice())).contains("thread \"auto\" would use");
            InjectionResult auto = injections.inject(t.pid(), "print('ran')", Duration.ofSeconds(10));
            assertThat(auto.state()).as("the running worker takes it").isEqualTo("completed");
        }
    }

    /** A SIGHUP handler that would restart the program: never proposed, and the injection fails fast. */
    static final String RESTART_ON_HUP = PythonProgram.of("python/inject/restart_on_hup.py").text();

    /** A do-nothing SIGUSR1 handler: a harmless way to wake the main thread, so thaw arms it and proposes it. */
    static final String NOOP_ON_USR1 = PythonProgram.of("python/inject/noop_on_usr1.py").text();

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aHandlerThatChangesTheProgramIsNeverProposed(String version) {
        try (TestPythons.Target t = TestPythons.start(version, RESTART_ON_HUP)) {
            awaitAllSleeping(t.pid());
            InjectionResult r = injections.inject(t.pid(), MARKER_SCRIPT, Duration.ofSeconds(10));
            assertThat(r.state()).as(r.toString()).isEqualTo("undeliverable");
            String advice = String.join("\n", r.pending().advice());
            assertThat(advice).contains("SIGHUP runs __main__.restart").doesNotContain("kill -");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aDoNothingHandlerIsProposedAndItsSignalDeliversTheScript(String version) throws Exception {
        try (TestPythons.Target t = TestPythons.start(version, NOOP_ON_USR1)) {
            awaitAllSleeping(t.pid());
            InjectionResult waited = injections.inject(t.pid(), MARKER_SCRIPT, Duration.ofSeconds(2));
            assertThat(waited.state()).as("a signal could wake it: armed and waited, not undeliverable: " + waited)
                    .isEqualTo("timed_out");
            String advice = String.join("\n", waited.pending().advice());
            assertThat(advice).contains("SIGUSR1 with __main__.ignore_it", "kill -USR1 " + t.pid());
            assertThat(t.drain()).doesNotContain("INJECTED");
            CompletableFuture<InjectionResult> f = CompletableFuture.supplyAsync(() ->
                    injections.inject(t.pid(), "print('ran')", Duration.ofSeconds(30)));
            Thread.sleep(1_000);
            new ProcessBuilder("kill", "-USR1", Long.toString(t.pid())).start().waitFor();
            InjectionResult r = f.get();
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            assertThat(r.output()).isEqualTo("ran\n");
        }
    }

    /** asyncio's signal handling: a do-nothing Python handler, the real work done by the loop through the wakeup fd. */
    static final String ASYNCIO_SIGNALS = PythonProgram.of("python/inject/asyncio_signals.py").text();

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void asyncioSignalHandlersAreNotMistakenForDoNothingOnes(String version) {
        try (TestPythons.Target t = TestPythons.start(version, ASYNCIO_SIGNALS)) {
            awaitAllSleeping(t.pid());
            InjectionResult r = injections.inject(t.pid(), MARKER_SCRIPT, Duration.ofSeconds(10));
            assertThat(r.state()).as(r.toString()).isEqualTo("undeliverable");
            String advice = String.join("\n", r.pending().advice());
            assertThat(advice).contains("SIGUSR1", "set_wakeup_fd").doesNotContain("kill -");
        }
    }

    /** Waits until one thread sleeps in the kernel. */
    static void awaitSleeping(int pid, int tid) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/task/" + tid + "/stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("S")) {
                    Thread.sleep(50);
                    return;
                }
                Thread.sleep(20);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("thread " + tid + " never slept");
    }

    /** Waits until every thread of the target sleeps in the kernel (the ready line comes just before the last block). */
    static void awaitAllSleeping(int pid) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                boolean all = tasks.allMatch(task -> {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("S");
                    } catch (IOException e) {
                        return true;
                    }
                });
                if (all) {
                    Thread.sleep(50);
                    return;
                }
                Thread.sleep(20);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("threads of " + pid + " never all slept");
    }
}
