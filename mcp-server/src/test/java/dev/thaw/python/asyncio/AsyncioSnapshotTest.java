package dev.thaw.python.asyncio;

import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.testing.PythonProgram;
import dev.thaw.python.SnapshotSchemaCheck;
import dev.thaw.snapshot.AsyncLoop;
import dev.thaw.snapshot.AsyncTask;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * asyncio tasks read from a process whose two loop threads are blocked in C, compared with what
 * each loop's asyncio.all_tasks() said just before (captured by the target itself).
 */
class AsyncioSnapshotTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void tasksOfEveryLoopEqualWhatAsyncioReported(String version) throws Exception {
        PythonProgram src = PythonProgram.of("python/targets/asyncio_blocked_loops.py");
        try (TestPythons.Target t = TestPythons.start(version, src.text())) {
            List<JsonNode> oracles = List.of(JSON.readTree(t.readyLine()), JSON.readTree(t.nextLine(Duration.ofSeconds(20))));
            Thread.sleep(300); // both loop threads are now inside never.acquire()

            Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.defaults());
            String text = SnapshotRenderer.text(s);
            Map<Long, ThreadSnapshot> byTid = new HashMap<>();
            s.groups().forEach(g -> g.threads().forEach(th -> byTid.put(th.tid(), th)));
            for (JsonNode oracle : oracles) {
                ThreadSnapshot th = byTid.get(oracle.get("tid").asLong());
                assertThat(th.state()).as(text).isEqualTo(WaitClassifier.LOCK_WAIT);
                AsyncLoop loop = th.asyncio();
                assertThat(loop).as(text).isNotNull();
                assertThat(loop.complete()).isTrue();
                assertThat(loop.loop()).isNotNull();
                assertThat(loop.runningTask()).isEqualTo(oracle.get("blocker").asString());
                Map<String, AsyncTask> mine = new HashMap<>();
                loop.tasks().forEach(task -> mine.put(task.id(), task));
                List<String> expectedIds = new ArrayList<>();
                for (JsonNode o : oracle.get("tasks")) {
                    String id = o.get("id").asString();
                    expectedIds.add(id);
                    AsyncTask task = mine.get(id);
                    assertThat(task).as(id + " in\n" + text).isNotNull();
                    assertThat(task.name()).isEqualTo(o.get("name").asString());
                    assertThat(task.complete()).isTrue();
                    assertThat(chain(task.stack())).as(task.name()).isEqualTo(strings(o.get("chain")));
                    assertThat(task.awaitedBy().stream().sorted().toList()).as(task.name())
                            .isEqualTo(strings(o.get("awaitedBy")));
                    assertThat(task.running()).isEqualTo(id.equals(oracle.get("blocker").asString()));
                }
                assertThat(mine.keySet()).containsExactlyInAnyOrderElementsOf(expectedIds);
                if (oracle.get("loop").asString().equals("main")) {
                    assertThat(loop.cycles()).as(text).hasSize(1);
                    List<String> cycleNames = loop.cycles().get(0).stream().map(id -> mine.get(id).name()).sorted().toList();
                    assertThat(cycleNames).containsExactly("cycle-a", "cycle-b");
                } else {
                    assertThat(loop.cycles()).isEmpty();
                }
            }
            StackGroup main = s.groups().stream().filter(g -> g.threads().get(0).main()).findFirst().orElseThrow();
            // (frames also carry their source line now: compared by place)
            assertThat(main.frames()).anyMatch(f -> f.display().equals(
                    new Frame("blocker", "<string>", src.line("blocker-acquires")).display()));
            assertThat(s.notes()).anyMatch(n -> n.contains("of exited threads") && n.contains("\"orphan-task\""));
            assertThat(text).contains("AWAIT CYCLE").contains("tâche-é ✓ worker").contains("lone-\\udc80-main")
                    .contains("leaf (<string>:" + src.line("leaf-sleeps") + ")");
            SnapshotSchemaCheck.assertValidJson(s);
        }
    }

    private static List<String> chain(List<Frame> frames) {
        return frames.stream().map(f -> f.function() + ":" + f.line()).toList();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
