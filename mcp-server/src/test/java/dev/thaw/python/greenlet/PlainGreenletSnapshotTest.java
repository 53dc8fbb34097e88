package dev.thaw.python.greenlet;

import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.python.SnapshotSchemaCheck;
import dev.thaw.testing.PythonProgram;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.Greenlet;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain greenlets (no gevent: it is not built for 3.15) on two threads, the main thread frozen in a
 * lock held by a suspended greenlet; compared with what greenlet itself reported just before.
 */
class PlainGreenletSnapshotTest {

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void everyGreenletOfAFrozenThread(String version) throws Exception {
        PythonProgram src = PythonProgram.of("python/targets/greenlet_frozen_thread.py");
        try (TestPythons.Target t = TestPythons.start(version, src.text())) {
            JsonNode oracle = JsonMapper.builder().build().readTree(t.readyLine());
            GreenletSnapshotTest.waitUntilBlocked(t);
            Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.defaults());
            String text = SnapshotRenderer.text(s);
            Map<String, Greenlet> found = new HashMap<>();
            Map<String, ThreadSnapshot> threadOf = new HashMap<>();
            s.groups().forEach(g -> g.threads().forEach(th -> {
                if (th.greenlets() != null) {
                    th.greenlets().forEach(gr -> {
                        found.put(gr.id(), gr);
                        threadOf.put(gr.id(), th);
                    });
                }
            }));
            List<String> expected = new ArrayList<>();
            for (JsonNode o : oracle.get("greenlets")) {
                String id = o.get("id").asString();
                expected.add(id);
                Greenlet g = found.get(id);
                assertThat(g).as(id + "\n" + text).isNotNull();
                assertThat(g.complete()).isTrue();
                List<String> frames = new ArrayList<>();
                o.get("frames").forEach(f -> frames.add(f.asString()));
                if (!frames.isEmpty()) {
                    assertThat(g.frames().stream().map(f -> f.function() + ":" + f.line()).toList()).as(text)
                            .isEqualTo(frames);
                } else if (o.get("main").asBoolean()) {
                    assertThat(g.state()).as(text).isEqualTo("running"); // the other thread's: it runs there
                    assertThat(threadOf.get(id).name()).isEqualTo("greenlet-thread");
                }
            }
            String blocked = oracle.get("blocked").asString();
            expected.add(blocked);
            assertThat(found.keySet()).as(text).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(found.get(blocked).state()).isEqualTo("running");
            assertThat(threadOf.get(blocked).main()).isTrue();
            assertThat(found.get(oracle.get("unstarted").asString()).state()).isEqualTo("unstarted");
            Greenlet holder = found.get(oracle.get("holder").asString());
            assertThat(holder.frames().get(0)).isEqualTo(new Frame("hold", "<string>", src.line("holder-suspended")));
            assertThat(threadOf.get(holder.id()).main()).isTrue();
            SnapshotSchemaCheck.assertValidJson(s);
        }
    }
}
