package dev.thaw.jvm.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.jvm.JvmThreadDump;
import dev.thaw.jvm.ThreadDumpParser;
import dev.thaw.jvm.WaitForGraph;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessKey;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.jvm.IdleTarget;
import dev.thaw.testing.jvm.LockScenarios;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The attach client against real JDK 17 and 25 JVMs. */
class AttachClientTest {

    private final AttachClients attach = new AttachClients(ProcFs.system());

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void diagnosticsOnAnIdleJvm(int feature) throws Exception {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class)) {
            AttachClient c = attach.to(t.pid());
            assertThat(c.protocolVersion()).isEqualTo(feature >= 24 ? 2 : 1);
            // VM.version says "JDK 8.0_504" for 1.8.0_504 and "JDK 21.0.13" for 21.0.13.0.3
            assertThat(c.vmVersion()).contains("JDK " + feature + ".");
            Map<String, String> props = c.systemProperties();
            assertThat(props).containsEntry("java.version", t.ready("version"));
            assertThat(props.get("sun.java.command")).startsWith(IdleTarget.class.getName());
            assertThat(c.vmFlags()).contains("-XX:");
            // JDK 9, backported to 8u (8u504 has it; its parallel GC text names generations, not "heap")
            assertThat(c.heapInfo()).containsPattern("(?i)heap|Gen ");
            if (feature >= 9) {
                assertThat(c.vmInfo()).contains("Host:");
            } else {
                // VM.info came with JDK 9 and was not backported: a refusal that says so
                assertThatThrownBy(c::vmInfo).isInstanceOfSatisfying(ThawException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.JVM_COMMAND_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("has no `VM.info`").contains("came with JDK 9")
                            .contains("(JDK 8.0_");
                    assertThat(e.fix()).startsWith("On JDK 8, ");
                });
            }
            assertThat(c.classHistogram()).contains("java.lang.String").contains("Total");
            JvmThreadDump dump = ThreadDumpParser.parse(c.threadDump());
            assertThat(dump.thread("main")).isPresent();
            assertThat(dump.thread("Attach Listener")).isPresent();

            // The trigger file is gone, and the SIGQUIT started the listener instead of printing a dump.
            assertThat(Files.exists(Path.of("/proc/" + t.pid() + "/cwd/.attach_pid" + t.ready("pid")))).isFalse();
            assertThat(t.stdout()).doesNotContain("Full thread dump");
            assertThat(t.stderr()).doesNotContain("WARNING");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void unknownCommandIsAClearRefusal(int feature) {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class)) {
            assertThatThrownBy(() -> attach.to(t.pid()).jcmd("No.such_command"))
                    .isInstanceOfSatisfying(ThawException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.ATTACH_OPERATION_FAILED);
                        assertThat(e.getMessage()).contains("Unknown diagnostic command");
                        assertThat(e.fix()).contains("help");
                    });
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void monitorAndReentrantLockDeadlocks(int feature) {
        try (Target t = TestJdks.launch(TestJdks.require(feature), LockScenarios.class)
                .args("monitor", "juc", "waiter").start()) {
            JvmThreadDump dump = ThreadDumpParser.parse(attach.to(t.pid()).threadDump());
            WaitForGraph g = dump.waitForGraph();
            assertThat(g.cycles()).extracting(WaitForGraph.Cycle::threadNames)
                    .containsExactly(List.of("T-A", "T-B"), List.of("T-C", "T-D"));
            assertThat(dump.reportedDeadlocks()).hasSize(2);
            assertThat(g.edgeFrom(dump.thread("T-J").orElseThrow().tid()).orElseThrow().owner()).isEqualTo("T-H");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void everyApplicationThreadDeadlockedStillAttaches(int feature) {
        try (Target t = TestJdks.launch(TestJdks.require(feature), LockScenarios.class)
                .args("monitor", "juc", "main-joins").start()) {
            AttachClient c = attach.to(t.pid());
            JvmThreadDump dump = ThreadDumpParser.parse(c.threadDump());
            assertThat(dump.thread("main").orElseThrow().state()).isIn(Thread.State.WAITING, Thread.State.BLOCKED);
            assertThat(dump.waitForGraph().cycles()).hasSize(2);
            assertThat(c.systemProperties()).containsKey("java.home");
            assertThat(c.classHistogram()).contains("LockScenarios$MonitorA");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void thousandThreads(int feature) {
        try (Target t = TestJdks.launch(TestJdks.require(feature), LockScenarios.class)
                .args("monitor", "juc", "idle=1000").start()) {
            AttachClient c = attach.to(t.pid());
            String text = c.threadDump();
            JvmThreadDump dump = ThreadDumpParser.parse(text);
            assertThat(dump.threads().stream().filter(th -> th.name().startsWith("idle-"))).hasSize(1000);
            assertThat(dump.thread("idle-0").orElseThrow().ownableSynchronizers()).hasSize(1);
            assertThat(dump.waitForGraph().cycles()).hasSize(2);
            assertThat(text.length()).isGreaterThan(1_000_000);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void jvmInAnotherMountNamespace(int feature) throws Exception {
        assumeRoot();
        try (Target t = TestJdks.launch(TestJdks.require(feature), LockScenarios.class).args("monitor")
                .wrapper("unshare", "--mount", "--fork", "sh", "-c",
                        "mount -t tmpfs tmpfs /tmp && exec \"$0\" \"$@\"").start()) {
            JvmThreadDump dump = ThreadDumpParser.parse(attach.to(t.pid()).threadDump());
            assertThat(dump.waitForGraph().cycles()).hasSize(1);
            Path inTarget = Path.of("/proc/" + t.pid() + "/root/tmp/.java_pid" + t.pid());
            assertThat(Files.exists(inTarget)).isTrue();
            // Not in our /tmp: a file of that name there can only be a stale one of an earlier JVM
            // that had the same pid and was killed (tests kill many), never the target's socket.
            Path ours = Path.of("/tmp/.java_pid" + t.pid());
            assertThat(Files.exists(ours) && Files.isSameFile(ours, inTarget)).as("the socket is in the target's /tmp only")
                    .isFalse();
            assertThat(t.stdout()).doesNotContain("Full thread dump");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void jvmInItsOwnPidAndMountNamespace(int feature) throws Exception {
        assumeRoot();
        try (Target t = TestJdks.launch(TestJdks.require(feature), LockScenarios.class).args("juc")
                .wrapper("unshare", "--pid", "--mount", "--fork", "sh", "-c",
                        "mount -t tmpfs tmpfs /tmp && exec \"$0\" \"$@\"").start()) {
            assertThat(t.ready("pid")).isEqualTo("1");
            JvmThreadDump dump = ThreadDumpParser.parse(attach.to(t.pid()).threadDump());
            assertThat(dump.waitForGraph().cycles()).hasSize(1);
            assertThat(Files.exists(Path.of("/proc/" + t.pid() + "/root/tmp/.java_pid1"))).isTrue();
            assertThat(t.stdout()).doesNotContain("Full thread dump");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void disabledAttachIsRefusedAtOnceWithoutASignal(int feature) throws Exception {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class, "-XX:+DisableAttachMechanism")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> attach.to(t.pid()).threadDump())
                    .isInstanceOfSatisfying(ThawException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.ATTACH_DISABLED);
                        assertThat(e.getMessage()).contains("DisableAttachMechanism");
                        assertThat(e.fix()).contains("Restart");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
            Thread.sleep(200);
            assertThat(t.stdout()).doesNotContain("Full thread dump"); // no SIGQUIT was sent
            assertThat(t.isAlive()).isTrue();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void disabledWithoutPerfDataIsStillRefusedAtOnce(int feature) throws Exception {
        try (Target t = TestJdks.launch(TestJdks.require(feature), IdleTarget.class).flags("-XX:-UsePerfData")
                .env("JAVA_TOOL_OPTIONS", "-XX:+DisableAttachMechanism").start()) {
            assertThatThrownBy(() -> attach.to(t.pid()).vmVersion())
                    .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ATTACH_DISABLED));
            Thread.sleep(200);
            assertThat(t.stdout()).doesNotContain("Full thread dump");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void noSignalIsSentToAJvmThatDoesNotCatchSigquit(int feature) throws Exception {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class, "-Xrs")) {
            Files.delete(Path.of("/proc/" + t.pid() + "/root/tmp/.java_pid" + t.ready("pid")));
            assertThatThrownBy(() -> attach.to(t.pid()).vmVersion())
                    .isInstanceOfSatisfying(ThawException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.ATTACH_NO_SIGNAL);
                        assertThat(e.fix()).contains("StartAttachListener");
                    });
            Thread.sleep(200);
            assertThat(t.isAlive()).isTrue(); // SIGQUIT would have killed it
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void aJvmThatExitsMidOperationGivesAClearError(int feature) throws Exception {
        try (Target t = TestJdks.launch(TestJdks.require(feature), LockScenarios.class).args("idle=1000").start()) {
            AttachClient c = attach.to(t.pid());
            c.vmVersion(); // listener up
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    return;
                }
                t.process().destroyForcibly();
            });
            killer.start();
            ThawException failure = null;
            int dumps = 0;
            while (failure == null && dumps < 10_000) {
                try {
                    c.threadDump();
                    dumps++;
                } catch (ThawException e) {
                    failure = e;
                }
            }
            killer.join();
            assertThat(failure).isNotNull();
            assertThat(failure.code()).as(failure.getMessage()).isEqualTo(ErrorCode.PROCESS_GONE);
            org.slf4j.LoggerFactory.getLogger(AttachClientTest.class).info("after {} dumps: {}", dumps,
                    failure.getMessage());
            assertThat(failure.getMessage()).contains(Integer.toString(t.pid()));
            assertThat(failure.fix()).isNotBlank();
            // SIGKILL leaves the socket file behind (HotSpot removes it only on a normal exit)
            Files.deleteIfExists(Path.of("/tmp/.java_pid" + t.pid()));
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void aStoppedJvmIsRefusedWithoutWaitingForTheDeadline(int feature) throws Exception {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class)) {
            AttachClient c = attach.to(t.pid(),
                    AttachOptions.DEFAULT.withOperationTimeout(Duration.ofMillis(700)));
            c.vmVersion(); // listener up
            signal("STOP", t.pid());
            awaitAllThreadsStopped(t.pid());
            try {
                long start = System.nanoTime();
                assertThatThrownBy(c::threadDump).isInstanceOfSatisfying(ThawException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROCESS_STOPPED);
                    assertThat(e.getMessage()).contains("state T");
                });
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
            } finally {
                signal("CONT", t.pid());
            }
            assertThat(c.vmVersion()).contains("JDK");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void oneOperationAtATimePerJvm(int feature) throws Exception {
        try (Target t = TestJdks.launch(TestJdks.require(feature), LockScenarios.class).args("idle=200").start()) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    results.add(pool.submit(() -> attach.to(t.pid()).threadDump()));
                }
                for (Future<String> f : results) {
                    assertThat(ThreadDumpParser.parse(f.get()).threads()).hasSizeGreaterThan(200);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(attach.locks.size()).as("locks of finished operations").isZero();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 17, 25})
    void whatOneClientLearntServesTheNextOfTheSameOwnerOnly(int feature) {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class)) {
            assertThat(attach.to(t.pid()).knownIdentity()).isEmpty();
            attach.to(t.pid()).threadDump();

            ProcessKey key = ProcessKey.of(ProcFs.system(), t.pid());
            assertThat(attach.known.get(key).target().socket()).exists();
            assertThat(attach.protocols.get(key).version()).isEqualTo(feature >= 24 ? 2 : 1);
            // JDK 8's Thread.print has no -e: learnt once, so each later dump is one exchange
            assertThat(attach.noExtendedDump.get(key)).isEqualTo(feature == 8 ? Boolean.TRUE : null);
            assertThat(attach.to(t.pid()).knownIdentity()).hasValueSatisfying(
                    id -> assertThat(id.featureVersion()).isEqualTo(feature));
            assertThat(ThreadDumpParser.parse(attach.to(t.pid()).threadDump()).thread("main")).isPresent();

            // another server's clients start from nothing
            AttachClients other = new AttachClients(ProcFs.system());
            assertThat(other.to(t.pid()).knownIdentity()).isEmpty();
            assertThat(other.protocols.get(key)).isNull();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void argumentLimits(int feature) {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class)) {
            AttachClient c = attach.to(t.pid());
            String longArg = "VM.version " + "x".repeat(2000);
            if (feature < 24) {
                assertThatThrownBy(() -> c.jcmd(longArg)).isInstanceOfSatisfying(ThawException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ATTACH_ARGUMENT_TOO_LONG);
                    assertThat(e.getMessage()).contains("1024");
                });
            } else {
                // v2 carries it; the JVM's DCmd parser then rejects the stray argument.
                assertThatThrownBy(() -> c.jcmd(longArg)).isInstanceOfSatisfying(ThawException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.ATTACH_OPERATION_FAILED));
            }
            assertThat(c.vmVersion()).contains("JDK"); // still usable
        }
    }

    static void signal(String sig, int pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Integer.toString(pid)).start().waitFor()).isZero();
    }

    /** SIGSTOP reaches each thread on its own schedule; a busy machine makes that visible. */
    static void awaitAllThreadsStopped(int pid) throws Exception {
        dev.thaw.proc.ProcFs proc = dev.thaw.proc.ProcFs.system();
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (proc.tids(pid).stream().anyMatch(tid -> proc.taskStat(pid, tid).state() != 'T')) {
            assertThat(System.nanoTime()).as("all threads of %d stopped", pid).isLessThan(until);
            Thread.sleep(5);
        }
    }

    static void assumeRoot() throws Exception {
        assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim()),
                "needs root to unshare namespaces");
    }
}
