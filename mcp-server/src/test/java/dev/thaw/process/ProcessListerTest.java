package dev.thaw.process;

import dev.thaw.app.Services;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The process listing against real processes: odd command lines, zombies, kernel threads, churn. */
class ProcessListerTest {

    final ProcessLister lister = new Services().lister();

    @Test
    void nonUtf8CommandLinesAreListedReadably() throws Exception {
        // exec -a puts raw bytes 0xff 0xfe into argv[0].
        Process p = new ProcessBuilder("bash", "-c", "exec -a $'\\xff\\xfethaw-odd-argv' sleep 60").start();
        try {
            // bash's own command line names "thaw-odd-argv" too: wait for the exec, which replaces argv[0].
            waitUntil(() -> ProcFs.system().cmdline((int) p.pid()).startsWith("\uFFFD"));
            ProcessInfo info = find(lister.list(new ProcessQuery("all", "thaw-odd-argv", false, null)), (int) p.pid()).orElseThrow();
            assertThat(info.command()).startsWith("\uFFFD\uFFFDthaw-odd-argv");
            assertThat(info.runtime().isNone()).isTrue();
            assertThat(info.attachable()).isFalse();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void zombiesAreListedWithTheReason() throws Exception {
        // The child exits after its parent has exec'd into sleep, which never reaps it.
        Process p = new ProcessBuilder("bash", "-c", "sleep 1 & exec sleep 60").start();
        try {
            int zombie = awaitZombieChildOf((int) p.pid());
            ProcessInfo info = find(lister.list(new ProcessQuery("all", null, false, null)), zombie).orElseThrow();
            assertThat(info.attachable()).isFalse();
            assertThat(info.reason()).contains("zombie").contains(Long.toString(p.pid()));
            assertThat(find(lister.list(ProcessQuery.DEFAULT), zombie)).as("zombies are not runtimes").isEmpty();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void kernelThreadsAreSkippedAndRefusedWithAReason() {
        Optional<Integer> kthread = ProcFs.system().pids().stream()
                .filter(pid -> {
                    try {
                        return ProcFs.system().stat(pid).isKernelThread();
                    } catch (ThawException e) {
                        return false;
                    }
                }).findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(kthread.isPresent(), "this kernel shows no kernel threads in /proc");
        ProcessList all = lister.list(new ProcessQuery("all", null, false, null));
        assertThat(all.processes()).noneMatch(p -> p.pid() == kthread.get());
        assertThat(all.skipped()).isPositive();
        assertThatThrownBy(() -> lister.describe(kthread.get())).isInstanceOf(ThawException.class)
                .hasMessageContaining("kernel thread");
    }

    @Test
    void processesExitingDuringTheScanNeverBreakIt() throws Exception {
        // Keep spawning short-lived processes while listing over and over.
        Process churn = new ProcessBuilder("bash", "-c", "for i in $(seq 1 3000); do /bin/true & done; wait").start();
        try {
            for (int i = 0; i < 30 && churn.isAlive(); i++) {
                ProcessList list = lister.list(new ProcessQuery("all", null, false, null));
                assertThat(list.processes()).isNotEmpty();
            }
        } finally {
            churn.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void startTimeIsWallClockAndIdentifiesTheProcess() throws Exception {
        Instant before = Instant.now().minusSeconds(2);
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            ProcessInfo info = find(lister.list(new ProcessQuery("all", "sleep 60", false, null)), (int) p.pid()).orElseThrow();
            Instant start = Instant.parse(info.startTime());
            assertThat(start).isBetween(before, Instant.now().plusSeconds(2));
            assertThat(info.user()).isEqualTo(System.getProperty("user.name"));
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void unknownPidIsProcessGone() {
        assertThatThrownBy(() -> lister.describe(Integer.MAX_VALUE - 3)).isInstanceOf(ProcessGoneException.class);
    }

    @Test
    void longCommandLinesAreBounded() {
        String bounded = ProcessLister.bound("x".repeat(5000));
        assertThat(bounded).hasSize(ProcessInfo.MAX_COMMAND + 1).endsWith("…");
        assertThat(ProcessLister.bound("a\tb\nc")).isEqualTo("a b c");
    }

    private static Optional<ProcessInfo> find(ProcessList list, int pid) {
        return list.processes().stream().filter(p -> p.pid() == pid).findFirst();
    }

    private static int awaitZombieChildOf(int parent) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            for (int pid : ProcFs.system().pids()) {
                try {
                    var st = ProcFs.system().stat(pid);
                    if (st.ppid() == parent && st.state() == 'Z') {
                        return pid;
                    }
                } catch (ThawException ignored) {
                    // raced with an exit
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no zombie child of " + parent + " appeared");
    }

    private static void waitUntil(java.util.function.BooleanSupplier cond) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!cond.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met in 10 s");
            }
            Thread.sleep(20);
        }
    }
}
