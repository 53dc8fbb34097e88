package dev.thaw.jvm.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.jvm.snapshot.JvmSnapshotter;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.jvm.diag.JvmDiagnostics;
import dev.thaw.proc.ProcFs;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.jvm.ProbeTarget;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Probes where the target is isolated from thaw (own namespaces) or refuses agents. */
class JvmProbeIsolationTest {

    private final AttachClients attach = new AttachClients(ProcFs.system());

    private final JvmProbeEngine engine = new JvmProbeEngine(attach, new ProbeCompiler());

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void jvmInItsOwnPidAndMountNamespaceWithAPrivateTmp(int feature) throws Exception {
        assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim()),
                "needs root to unshare namespaces");
        TestJdks.Jdk jdk = TestJdks.require(feature);
        // The private tmpfs goes on the /tmp the JVM sees: the sid root's for JDKs living there.
        try (Target t = TestJdks.launch(jdk, ProbeTarget.class)
                .wrapper("unshare", "--pid", "--mount", "--fork", "sh", "-c",
                        "mount -t tmpfs tmpfs " + jdk.root().resolve("tmp") + " && exec \"$0\" \"$@\"").start()) {
            assertThat(t.ready("pid")).isEqualTo("1");
            Snapshot s = new JvmSnapshotter(attach).snapshot(t.pid(), SnapshotRequest.defaults());
            ThreadSnapshot blocked = thread(s, "blocked");
            assertThat(blocked.owner()).isEqualTo(thread(s, "holder").tid());
            assertThat(s.notes()).anyMatch(n -> n.contains("another PID namespace"));

            for (int i = 0; i < 2; i++) { // the first loads the agent, the second goes through its watcher
                ProbeHarness.Result r = ProbeHarness.run(engine, t.pid(), ProbeHarness.spec(
                        "String vm = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();\n"
                        + "out.print(vm.substring(0, vm.indexOf('@')) + \" \" + dev.thaw.testing.jvm.ProbeTarget.secret);"),
                        Duration.ofSeconds(20));
                assertThat(r.state()).as("%s", r.status()).isEqualTo("completed");
                assertThat(r.output()).isEqualTo("1 hello from the target");
            }
            assertThat(engine.loads(engine.identify(t.pid()).orElseThrow())).isEqualTo(1);
            try (Stream<Path> files = Files.list(Path.of("/proc/" + t.pid() + "/root/tmp"))) {
                assertThat(files.map(p -> p.getFileName().toString()).toList())
                        .allMatch(n -> n.equals(".java_pid1") || n.startsWith("hsperfdata_"));
            }
            assertThat(Files.list(Path.of("/tmp")).map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("thaw-inj-test" + ProcessHandle.current().pid() + "-"))).isEmpty();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {11, 17, 21, 25}) // the flag exists from JDK 9 on; JDK 8 would not start with it
    void dynamicAgentLoadingDisabledIsAClearRefusalAndAgentLessToolsWork(int feature) throws Exception {
        try (Target t = TestJdks.start(TestJdks.require(feature), ProbeTarget.class, "-XX:-EnableDynamicAgentLoading")) {
            assertThatThrownBy(() -> engine.identify(t.pid())).isInstanceOfSatisfying(ThawException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.AGENT_LOADING_DISABLED);
                assertThat(e.getMessage()).contains("-XX:-EnableDynamicAgentLoading");
                assertThat(e.fix()).contains("snapshot").contains("jvm_diagnostic");
            });
            // Had the flag gone unnoticed (e.g. in an options file), the JVM's own refusal says the same.
            try (ProbeHarness.Run dir = new ProbeHarness.Run(t.pid())) {
                dir.writeFile(JvmProbeEngine.AGENT_JAR, AgentJar.bytes());
                assertThatThrownBy(() -> AgentLoader.load(attach, t.pid(), dir.inRoot(JvmProbeEngine.AGENT_JAR), "x", dir.inRoot("request")))
                        .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AGENT_LOADING_DISABLED));
            }
            Snapshot s = new JvmSnapshotter(attach).snapshot(t.pid(), SnapshotRequest.defaults());
            assertThat(thread(s, "blocked").owner()).isEqualTo(thread(s, "holder").tid());
            assertThat(new JvmDiagnostics(attach).run(t.pid(), "vm_flags", false, null).flags())
                    .contains("-XX:-EnableDynamicAgentLoading");
            assertThat(t.stderr()).doesNotContain("WARNING");
            assertThat(t.isAlive()).isTrue();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void attachDisabledIsRefusedBeforeAnythingReachesTheJvm(int feature) throws Exception {
        try (Target t = TestJdks.start(TestJdks.require(feature), ProbeTarget.class, "-XX:+DisableAttachMechanism")) {
            assertThatThrownBy(() -> engine.identify(t.pid())).isInstanceOfSatisfying(ThawException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.ATTACH_DISABLED);
                assertThat(e.getMessage()).contains("DisableAttachMechanism");
            });
            assertThat(t.stdout().lines().toList()).hasSize(1); // no SIGQUIT thread dump
        }
    }

    private static ThreadSnapshot thread(Snapshot s, String name) {
        List<ThreadSnapshot> all = s.groups().stream().flatMap(g -> g.threads().stream()).toList();
        return all.stream().filter(x -> name.equals(x.name())).findFirst().orElseThrow();
    }
}
