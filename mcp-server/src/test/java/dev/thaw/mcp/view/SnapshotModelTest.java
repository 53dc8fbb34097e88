package dev.thaw.mcp.view;

import dev.thaw.Json;
import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.NextCall;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.jvm.snapshot.JvmSnapshotter;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.ProcFs;
import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.jvm.LockScenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The model's view of real snapshots: conclusions and groups within budget, the text saying the same. */
class SnapshotModelTest {

    private final JvmSnapshotter jvm = new JvmSnapshotter(new AttachClients(ProcFs.system()));

    @Test
    void idsAndNamesCompress() {
        assertThat(IdRanges.of(List.of(12L, 13L, 14L, 51L))).isEqualTo("12-14,51");
        assertThat(IdRanges.of(List.of(1001L, 1003L, 1005L, 1007L, 2000L))).isEqualTo("1001-1007/2,2000");
        assertThat(IdRanges.of(List.of(5L, 9L))).isEqualTo("5,9");
        assertThat(NamePatterns.of(List.of("idle-0", "idle-2", "idle-4", "main", "pool-07")))
                .containsExactly("idle-{0-4/2}", "main", "pool-07");
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void aThousandThreadJvmFitsAndNamesItsDeadlocks(int feature) throws Exception {
        try (TestJdks.Target t = TestJdks.launch(TestJdks.require(feature), LockScenarios.class)
                .args("monitor", "juc", "idle=1000").start()) {
            Snapshot s = jvm.snapshot(t.pid(), SnapshotRequest.of(1, null, null, null));
            ViewMap v = SnapshotModel.of(s, "s1", 0);
            String json = Json.write(v);
            String text = SnapshotModelText.render(v);
            System.out.printf("JDK %d: full record %d bytes, view %d bytes, text %d chars%n%s%n%s%n", feature,
                    Json.write(s).length(), json.length(), text.length(), json, text);
            assertThat(json.length()).isLessThanOrEqualTo(12_000);
            assertThat(v).containsKey("deadlocks");
            assertThat(text).contains("T-A").contains("T-B").contains("T-C").contains("T-D").contains("idle-{");
            ViewParity.assertSameFacts(Json.toMap(v), text);
            if (v.get("more") instanceof Map<?, ?> more) {
                String cursor = (String) more.get("cursor");
                ViewMap next = SnapshotModel.of(s, "s1", Integer.parseInt(cursor.substring(cursor.indexOf(':') + 1)));
                assertThat(next).containsKey("groups").doesNotContainKey("deadlocks");
                assertThat(Json.write(next).length()).isLessThanOrEqualTo(12_000);
                ViewParity.assertSameFacts(Json.toMap(next), SnapshotModelText.render(next));
            }
        }
    }

    @Test
    void threeHundredPythonThreadsFit() throws Exception {
        String code;
        code = PythonProgram.of("view/many_threads.py").text();
        try (TestPythons.Target t = TestPythons.start("3.14", code)) {
            Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.of(3, 100, null, null));
            assertThat(s.totalThreads()).isGreaterThanOrEqualTo(300);
            ViewMap v = SnapshotModel.of(s, "s1", 0);
            String json = Json.write(v);
            String text = SnapshotModelText.render(v);
            System.out.printf("python: full record %d bytes, view %d bytes, text %d chars%n%s%n%s%n",
                    Json.write(s).length(), json.length(), text.length(), json, text);
            assertThat(json.length()).isLessThanOrEqualTo(8_000);
            assertThat(text).contains("transfer").contains("audit").contains("worker-{");
            ViewParity.assertSameFacts(Json.toMap(v), text);
            Map<String, Object> all = Json.toMap(v);
            assertThat(all.toString()).doesNotContain("kernelState").doesNotContain("locksHeld");

            // Judged by the findings layer: its findings lead, idle groups shrink to one line each.
            List<StackGroup> judged = s.groups().stream()
                    .map(g -> g.withActivity(g.threads().get(0).name().startsWith("poll-") ? "idle" : "stuck")).toList();
            Snapshot withFindings = s.withGroups(judged).withFindings(List.of(new Finding("lock_ordering", "transfer and audit each hold the lock the other wants",
                    "medium", List.of("transfer waits at line 38", "audit waits at line 46"), "take the locks in one order",
                    List.of(new NextCall("inject_script", Map.of("pid", s.pid(), "diagnostic", "py.lock_waiters"),
                            "who holds which lock")), List.of())));
            ViewMap j = SnapshotModel.of(withFindings, "s2", 0);
            assertThat(List.copyOf(j.keySet())).startsWith("pid", "runtime", "threads");
            assertThat(List.copyOf(j.keySet()).indexOf("findings")).isLessThan(List.copyOf(j.keySet()).indexOf("groups"));
            assertThat(Json.write(j.get("groups"))).doesNotContain("poll-").contains("\"activity\":\"stuck\"");
            assertThat(Json.write(j.get("idle"))).contains("50 threads", "poll-{0-49}", "poller (");
            String judgedText = SnapshotModelText.render(j);
            assertThat(judgedText).contains("finding [medium confidence] lock_ordering", "next: inject_script");
            ViewParity.assertSameFacts(Json.toMap(j), judgedText);
        }
    }
}
