package dev.thaw.jvm.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.ProcFs;
import dev.thaw.snapshot.JvmLocks;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.jvm.LockScenarios;
import dev.thaw.testing.jvm.ProbeTarget;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JVM snapshots in the shared snapshot model, against real JDK 17 and 25 JVMs. */
class JvmSnapshotterTest {

    private final JvmSnapshotter jvm = new JvmSnapshotter(new AttachClients(ProcFs.system()));

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void deadlocksRankFirstWithLocksOwnersAndCycles(int feature) throws Exception {
        try (Target t = TestJdks.launch(TestJdks.require(feature), LockScenarios.class)
                .args("monitor", "juc", "waiter").start()) {
            Snapshot s = jvm.snapshot(t.pid(), SnapshotRequest.of(2, 50, null, 20));
            assertThat(s.runtime()).isEqualTo("hotspot");
            assertThat(s.runtimeVersion()).isEqualTo(t.ready("version"));
            JvmLocks locks = s.jvm();
            assertThat(locks.deadlocks()).hasSize(2);
            assertThat(locks.deadlocks().stream().map(d -> Set.copyOf(d.names())).toList())
                    .containsExactlyInAnyOrder(Set.of("T-A", "T-B"), Set.of("T-C", "T-D"));
            assertThat(locks.reportedByJvm()).hasSize(2);
            // The four deadlocked threads come first.
            List<ThreadSnapshot> top = s.groups().stream().limit(4).flatMap(g -> g.threads().stream()).toList();
            assertThat(top).extracting(ThreadSnapshot::name).containsExactlyInAnyOrder("T-A", "T-B", "T-C", "T-D");
            assertThat(s.groups().get(0).why()).first().asString().contains("deadlock");
            ThreadSnapshot a = thread(s, "T-A");
            ThreadSnapshot b = thread(s, "T-B");
            assertThat(a.state()).isEqualTo("BLOCKED");
            assertThat(a.lockWaitedOn()).startsWith("monitor <0x");
            assertThat(a.owner()).isEqualTo(b.tid());
            assertThat(a.locksHeld()).hasSize(1);
            assertThat(a.jvm().deadlocked()).isTrue();
            assertThat(a.stuck()).isTrue();
            assertThat(a.kernelState()).isNotNull(); // same PID namespace: the kernel's view is added
            ThreadSnapshot c = thread(s, "T-C");
            assertThat(c.state()).isEqualTo("WAITING");
            assertThat(c.lockWaitedOn()).startsWith("park on <0x").contains("ReentrantLock");
            assertThat(c.owner()).isEqualTo(thread(s, "T-D").tid());
            assertThat(c.locksHeld()).anyMatch(l -> l.contains("ReentrantLock"));
            ThreadSnapshot w = thread(s, "T-W");
            assertThat(w.lockWaitedOn()).startsWith("Object.wait() on");
            assertThat(w.owner()).isNull();
            assertThat(thread(s, "T-J").owner()).isEqualTo(thread(s, "T-H").tid());
            assertThat(s.groups().get(0).frames().get(0).function()).startsWith("dev.thaw.testing.jvm.LockScenarios");
            assertThat(s.groups().get(0).frames().get(0).file()).isEqualTo("LockScenarios.java");
            assertThat(s.groups().get(0).frames().get(0).line()).isPositive();

            String text = SnapshotRenderer.text(s);
            assertThat(text).contains("DEADLOCK (2 threads)").contains("DEADLOCKED").contains("held by \"T-B\"")
                    .contains("hotspot " + t.ready("version"));
            assertThat(text.indexOf("DEADLOCK")).isLessThan(text.indexOf("[1]"));
            validates(s);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void everyApplicationThreadStuckAndAThousandIdleThreads(int feature) throws Exception {
        try (Target t = TestJdks.launch(TestJdks.require(feature), LockScenarios.class)
                .args("monitor", "juc", "idle=1000", "main-joins").start()) {
            long t0 = System.nanoTime();
            Snapshot s = jvm.snapshot(t.pid(), SnapshotRequest.defaults());
            double ms = (System.nanoTime() - t0) / 1e6;
            assertThat(s.totalThreads()).isGreaterThan(1000);
            assertThat(s.jvm().deadlocks()).hasSize(2);
            assertThat(s.groups().size()).isLessThan(40); // 1000 idle threads collapse into a few stacks
            ThreadSnapshot main = thread(s, "main");
            assertThat(main.main()).isTrue();
            assertThat(main.lockWaitedOn()).startsWith("Object.wait() on"); // Thread.join
            assertThat(SnapshotRenderer.text(s).length()).isLessThan(12_000);
            assertThat(ms).isLessThan(5_000);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {21, 25})
    void virtualThreadsAreMergedInWithTheirDeadlock(int feature) throws Exception {
        try (Target t = TestJdks.launch(TestJdks.require(feature), ProbeTarget.class).args("virtual=50", "virtual-deadlock")
                .start()) {
            Snapshot s = jvm.snapshot(t.pid(), SnapshotRequest.defaults());
            assertThat(s.jvm().virtualThreads()).isEqualTo(52);
            List<ThreadSnapshot> vts = s.groups().stream().flatMap(g -> g.threads().stream())
                    .filter(x -> x.jvm().virtual()).toList();
            assertThat(vts).hasSize(52);
            assertThat(vts.stream().filter(x -> "vt-".equals(x.name())).count()).isZero();
            ThreadSnapshot va = thread(s, "vt-A");
            assertThat(va.tid()).isEqualTo(va.jvm().javaId());
            assertThat(s.groups().stream().filter(g -> g.threads().contains(va)).findFirst().orElseThrow().frames())
                    .anyMatch(f -> f.function().contains("VirtualThreads.lockBoth"));
            if (feature >= 25) {
                assertThat(s.jvm().deadlocks()).anySatisfy(d -> assertThat(d.names()).containsExactlyInAnyOrder("vt-A", "vt-B"));
                assertThat(va.state()).isEqualTo("BLOCKED");
                assertThat(va.owner()).isEqualTo(thread(s, "vt-B").tid());
                assertThat(s.notes()).doesNotContain(JvmSnapshotter.NO_VTHREAD_STATES);
            } else {
                // JDK 21's JSON has names and stacks only: parked ones are WAITING (from the stack), vt-A and
                // vt-B (mounted, pinned, blocked on a monitor) have no state; no locks; a note says so
                assertThat(vts.stream().filter(v -> !v.name().equals("vt-A") && !v.name().equals("vt-B")))
                        .hasSize(50).allSatisfy(v -> assertThat(v.state()).isEqualTo("WAITING"));
                assertThat(va.state()).isNull();
                assertThat(s.jvm().deadlocks()).noneSatisfy(d -> assertThat(d.names()).contains("vt-A"));
                assertThat(s.notes()).contains(JvmSnapshotter.NO_VTHREAD_STATES);
            }
            // 50 identical parked virtual threads collapse into one group.
            StackGroup parked = s.groups().stream().filter(g -> g.count() >= 50).findFirst().orElseThrow();
            assertThat(parked.frames()).anyMatch(f -> f.function().contains("CountDownLatch.await"));
            assertThat(SnapshotRenderer.text(s)).contains("virtual threads: 52");
            // The dump file thaw asked for is gone from the target's /tmp.
            try (Stream<Path> files = Files.list(Path.of("/proc/" + t.pid() + "/root/tmp"))) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("thaw-vthreads"))).isEmpty();
            }
            validates(s);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17})
    void beforeJdk21NoVirtualThreadsAndNoNote(int feature) throws Exception {
        try (Target t = TestJdks.start(TestJdks.require(feature), ProbeTarget.class)) {
            Snapshot s = jvm.snapshot(t.pid(), SnapshotRequest.of(1, 10, "block", 64));
            assertThat(s.jvm().virtualThreads()).isZero();
            assertThat(s.shownThreads()).isEqualTo(1);
            ThreadSnapshot blocked = s.groups().get(0).threads().get(0);
            assertThat(blocked.name()).isEqualTo("blocked");
            assertThat(blocked.owner()).isEqualTo(thread(jvm.snapshot(t.pid(), SnapshotRequest.defaults()),
                    "holder").tid());
            assertThat(s.notes()).noneMatch(n -> n.contains("Virtual"));
        }
    }

    private static ThreadSnapshot thread(Snapshot s, String name) {
        return s.groups().stream().flatMap(g -> g.threads().stream()).filter(t -> name.equals(t.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name));
    }

    private static void validates(Snapshot s) throws Exception {
        Schema schema;
        try (InputStream in = JvmSnapshotterTest.class.getResourceAsStream("/schemas/snapshot.schema.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        JsonMapper mapper = JsonMapper.builder().build();
        JsonNode json = mapper.valueToTree(s);
        assertThat(schema.validate(json)).as(json.toPrettyString()).isEmpty();
        assertThat(schema.validate(dev.thaw.Json.mapper().valueToTree(s))).isEmpty();
        assertThat(mapper.treeToValue(json, Snapshot.class)).isEqualTo(s);
    }
}
