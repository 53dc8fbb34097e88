package dev.thaw.proc;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Stopped, traced and frozen real processes, told apart from running ones. */
class SuspensionsTest {

    private final ProcFs proc = ProcFs.system();
    private final Suspensions suspensions = new Suspensions(proc);

    @Test
    void aStoppedProcessIsStoppedUntilContinued() throws Exception {
        Process p = threadedSleeper();
        try {
            assertThat(suspensions.of((int) p.pid())).isEmpty();
            signal("STOP", p.pid());
            Suspension s = await(() -> suspensions.of((int) p.pid()));
            assertThat(s.kind()).isEqualTo(Suspension.Kind.STOPPED);
            assertThat(s.totalThreads()).isGreaterThan(1);
            assertThatThrownBy(() -> suspensions.refuseIfHeld((int) p.pid(), "inject into"))
                    .isInstanceOfSatisfying(ThawException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PROCESS_STOPPED);
                        assertThat(e.getMessage()).contains("state T").contains("thaw sent it nothing");
                        assertThat(e.fix()).contains("kill -CONT " + p.pid());
                    });
            signal("CONT", p.pid());
            awaitEmpty((int) p.pid());
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessHeldByADebuggerNamesItsTracer() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gdb")), "gdb is not installed");
        Process p = threadedSleeper();
        // gdb attaches to every thread and holds them all (all-stop) while its shell command runs.
        Process gdb = new ProcessBuilder("/usr/bin/gdb", "-q", "-nx", "-batch", "-p", Long.toString(p.pid()),
                "-ex", "shell sleep 120").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Suspension s = await(() -> suspensions.of((int) p.pid()).filter(x -> x.kind() == Suspension.Kind.TRACED));
            assertThat(s.tracerPid()).isEqualTo(gdb.pid());
            ThawException e = s.refusal("attach to JVM");
            assertThat(e.code()).isEqualTo(ErrorCode.PROCESS_TRACED);
            assertThat(e.getMessage()).contains("tracer pid " + gdb.pid());
            assertThat(e.fix()).contains("Detach the tracer (process " + gdb.pid());
        } finally {
            gdb.destroyForcibly().waitFor();
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessInAFrozenCgroupV1IsFrozen() throws Exception {
        Path freezer = Path.of("/sys/fs/cgroup/freezer");
        assumeTrue(Files.isWritable(freezer.resolve("cgroup.procs")), "no writable cgroup v1 freezer");
        frozenCgroup(freezer, "freezer.state", "FROZEN", "THAWED", "freezer.state");
    }

    @Test
    void aProcessInAFrozenCgroupV2IsFrozen() throws Exception {
        Path v2 = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? Path.of("/sys/fs/cgroup")
                : Path.of("/sys/fs/cgroup/unified");
        assumeTrue(Files.isWritable(v2.resolve("cgroup.procs")), "no writable cgroup v2 hierarchy");
        frozenCgroup(v2, "cgroup.freeze", "1", "0", "cgroup.freeze");
    }

    private void frozenCgroup(Path hierarchy, String control, String freeze, String thaw, String named) throws Exception {
        Path group = hierarchy.resolve("thaw-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(group);
        Process p = threadedSleeper();
        try {
            Files.writeString(group.resolve("cgroup.procs"), Long.toString(p.pid()));
            assertThat(suspensions.of((int) p.pid())).isEmpty();
            Files.writeString(group.resolve(control), freeze);
            Suspension s = await(() -> suspensions.of((int) p.pid()));
            assertThat(s.kind()).isEqualTo(Suspension.Kind.FROZEN);
            assertThat(s.freezer()).isEqualTo(group.resolve(named).toString());
            assertThat(s.refusal("inject into").code()).isEqualTo(ErrorCode.PROCESS_FROZEN);
            Files.writeString(group.resolve(control), thaw);
            awaitEmpty((int) p.pid());
        } finally {
            p.destroyForcibly().waitFor();
            Files.writeString(group.resolve(control), thaw);
            deleteCgroup(group);
        }
    }

    private static void deleteCgroup(Path group) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                Files.deleteIfExists(group);
                return;
            } catch (IOException busy) {
                Thread.sleep(50); // the killed process leaves the group asynchronously
            }
        }
    }

    /** A sleeping process with several threads (a small java program: the JDK running the tests has threads). */
    private static Process threadedSleeper() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path src;
        try {
            src = Files.createTempFile("Sleeper", ".java");
            Files.writeString(src, "public class Sleeper { public static void main(String[] a) throws Exception {"
                    + " for (int i = 0; i < 3; i++) { Thread t = new Thread(() -> { try { Thread.sleep(600_000); }"
                    + " catch (InterruptedException e) { } }); t.setDaemon(true); t.start(); }"
                    + " System.out.println(\"ready\"); Thread.sleep(600_000); } }");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:+UseSerialGC", "-Xmx32m", src.toString())
                .redirectErrorStream(true).start();
        try {
            byte[] line = new byte[6];
            int n = p.getInputStream().readNBytes(line, 0, 6);
            assertThat(new String(line, 0, n)).isEqualTo("ready\n");
        } finally {
            Files.deleteIfExists(src);
        }
        return p;
    }

    private static void signal(String sig, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor()).isZero();
    }

    private static Suspension await(Supplier<Optional<Suspension>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Optional<Suspension> s = probe.get();
            if (s.isPresent()) {
                return s.get();
            }
            assertThat(System.nanoTime()).as("the process was never seen held").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private void awaitEmpty(int pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (suspensions.of(pid).isPresent()) {
            assertThat(System.nanoTime()).as("the process was still seen held").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
