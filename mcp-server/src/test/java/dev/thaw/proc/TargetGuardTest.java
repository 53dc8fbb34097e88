package dev.thaw.proc;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.testing.TestInjections;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Kernel threads and thaw's own JVM are refused as targets with what they are, never blamed on permissions. */
class TargetGuardTest {

    private final ProcFs proc = ProcFs.system();

    @Test
    void aKernelThreadIsNotAPythonOrJvmProcess() {
        int kthread = kernelThread().orElse(-1);
        assumeTrue(kthread > 0, "no kernel thread visible in this PID namespace");
        assertThatThrownBy(() -> new TargetGuard(proc).checkRunnable(kthread, "inject into"))
                .isInstanceOfSatisfying(ThawException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.KERNEL_THREAD);
                    assertThat(e.getMessage()).contains("not a Python/JVM process");
                });
        PtraceVerdict verdict = PtraceAccess.check(proc, kthread);
        assertThat(verdict.cause()).isEqualTo("kernel_thread");
        assertThat(verdict.reason()).doesNotContain("LSM").contains("not a Python/JVM process");
        try (TestInjections injections = new TestInjections()) {
            assertThatThrownBy(() -> injections.inject(kthread, "print(1)", Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KERNEL_THREAD));
        }
    }

    @Test
    void thawsOwnJvmAndItsThreadsAreRefused() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        int otherThread = proc.tids(self).stream().filter(t -> t != self).findFirst().orElseThrow();
        for (int pid : new int[] {self, otherThread}) {
            assertThatThrownBy(() -> new TargetGuard(proc).checkReadable(pid, "take a snapshot of"))
                    .isInstanceOfSatisfying(ThawException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.SELF_TARGET);
                        assertThat(e.getMessage()).contains("is thaw itself");
                        assertThat(e.fix()).contains("thaw's own pid is " + self);
                    });
        }
        new TargetGuard(proc).checkRunnable((int) ProcessHandle.current().parent().orElseThrow().pid(), "inject into");
    }

    private Optional<Integer> kernelThread() {
        for (int pid : proc.pids()) {
            try {
                if (proc.stat(pid).isKernelThread()) {
                    return Optional.of(pid);
                }
            } catch (RuntimeException e) {
                // gone meanwhile
            }
        }
        return Optional.empty();
    }
}
