package dev.thaw.process;

import dev.thaw.proc.ProcFs;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** doctor says whether an injection would be delivered now, with the plan inject_script uses. */
class DoctorDeliveryTest {

    final ProcFs proc = ProcFs.system();
    final RuntimeDetectors detectors = new RuntimeDetectors(List.of(new PythonDetector(proc),
            new JvmDetector(new dev.thaw.jvm.JvmProbe(proc), proc.status((int) ProcessHandle.current().pid()))));
    final Doctor doctor = new Doctor(proc, new ProcessLister(proc, detectors), detectors, new PythonDeliveryOutlook(proc));

    /** Main in Lock.acquire(), a worker in a read of stdin: every thread blocked without a timeout. */
    static final String ALL_BLOCKED = PythonProgram.of("python/inject/all_blocked_stdin.py").text();

    static void awaitAllSleeping(int pid) {
        for (int i = 0; i < 500; i++) {
            try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + pid + "/task"))) {
                if (tasks.allMatch(task -> {
                    try {
                        String stat = java.nio.file.Files.readString(task.resolve("stat"));
                        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("S");
                    } catch (java.io.IOException e) {
                        return true;
                    }
                })) {
                    Thread.sleep(50);
                    return;
                }
                Thread.sleep(20);
            } catch (java.io.IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("threads of " + pid + " never all slept");
    }

    @Test
    void aProcessWhoseEveryThreadIsBlockedIsPermittedButNotDeliverableNow() {
        try (TestPythons.Target t = TestPythons.start("3.14", ALL_BLOCKED)) {
            awaitAllSleeping(t.pid());
            DoctorReport r = doctor.check(t.pid());
            Check c = r.targetChecks().stream().filter(x -> x.id().equals("injection_delivery")).findFirst().orElseThrow();
            assertThat(c.failed()).as(c.toString()).isTrue();
            assertThat(c.detail()).contains("no thread can reach a safe point", "(main)", "futex");
            assertThat(c.fix()).contains("snapshot");
            assertThat(r.canInject()).isFalse();
            assertThat(r.verdict()).contains("permitted but cannot be delivered now").doesNotContain("can both work");
        }
    }

    @Test
    void aProcessWithARunningThreadIsDeliverable() {
        try (TestPythons.Target t = TestPythons.start("3.14", PythonProgram.of("python/inject/sleep_loop.py"))) {
            DoctorReport r = doctor.check(t.pid());
            Check c = r.targetChecks().stream().filter(x -> x.id().equals("injection_delivery")).findFirst().orElseThrow();
            assertThat(c.failed()).as(c.toString()).isFalse();
            assertThat(r.canInject()).isTrue();
            assertThat(r.verdict()).contains("can both work");
        }
    }
}
