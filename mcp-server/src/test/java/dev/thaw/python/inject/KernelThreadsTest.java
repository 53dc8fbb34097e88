package dev.thaw.python.inject;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessMemory;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The kernel's view of real threads: a sleep is a bounded wait with its timeout read from memory. */
class KernelThreadsTest {

    @Test
    void aSleepingMainThreadWakesWithinItsTimeoutAndALockWaitDoesNot() throws Exception {
        String target = PythonProgram.of("python/inject/sleeping_main_blocked_worker.py").text();
        try (TestPythons.Target t = TestPythons.start("3.14", target);
             ProcessMemory mem = ProcessMemory.open(ProcFs.system(), t.pid(), ProcessMemory.Mode.READ)) {
            long worker = Long.parseLong(t.readyLine().trim());
            PythonInjectionTest.awaitBlockedInFutex(t.pid() == worker ? t.pid() : (int) worker);
            Thread.sleep(100);
            KernelThreads k = new KernelThreads(ProcFs.system(), t.pid(), mem);
            KernelThread main = k.read(t.pid());
            assertThat(main.syscall()).isEqualTo("clock_nanosleep");
            assertThat(main.waitKind()).isEqualTo(WaitKind.BOUNDED);
            assertThat(main.wakesInMs()).isBetween(0L, 5000L);
            KernelThread w = k.read(worker);
            assertThat(w.syscall()).isEqualTo("futex");
            assertThat(w.waitKind()).isEqualTo(WaitKind.UNBOUNDED);
            assertThat(w.waitDetail()).contains("without timeout");
        }
    }
}
