package dev.thaw.python.greenlet;

import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.python.SnapshotSchemaCheck;
import dev.thaw.testing.PythonProgram;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.Greenlet;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Greenlets read from a gevent process whose hub thread is frozen in a real lock wait, compared with
 * what gevent itself reported (format_run_info) just before it froze.
 */
class GreenletSnapshotTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void frozenGeventHubShowsEveryGreenletWithItsFrames() throws Exception {
        PythonProgram src = PythonProgram.of("python/targets/gevent_frozen_hub.py");
        try (TestPythons.Target t = TestPythons.start("3.14", src.text())) {
            JsonNode oracle = JSON.readTree(t.readyLine());
            List<String> chunks = new ArrayList<>();
            oracle.get("run_info").forEach(n -> chunks.add(n.asString()));
            GeventRunInfo info = GeventRunInfo.parse(chunks);
            String me = oracle.get("me").asString();
            waitUntilBlocked(t);

            Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.defaults());
            String text = SnapshotRenderer.text(s);
            Map<String, Greenlet> found = new HashMap<>();
            Map<String, Long> threadOf = new HashMap<>();
            ThreadSnapshot mainThread = null;
            for (StackGroup g : s.groups()) {
                for (ThreadSnapshot th : g.threads()) {
                    if (th.main()) {
                        mainThread = th;
                    }
                    if (th.greenlets() != null) {
                        for (Greenlet gr : th.greenlets()) {
                            found.put(gr.id(), gr);
                            threadOf.put(gr.id(), th.tid());
                        }
                    }
                }
            }
            assertThat(found.keySet()).as(text).containsExactlyInAnyOrderElementsOf(info.greenlets().keySet());
            for (GeventRunInfo.Entry e : info.greenlets().values()) {
                Greenlet g = found.get(e.id());
                assertThat(g.complete()).as(e.header()).isTrue();
                if (e.id().equals(me)) {
                    continue; // it ran format_run_info then; now it is the one blocked in the lock
                }
                if (!e.frames().isEmpty()) {
                    assertThat(names(g.frames())).as(e.header() + "\n" + text).isEqualTo(e.frames());
                }
                if (e.header().startsWith("<Greenlet \"")) {
                    String name = e.header().replaceFirst("^<Greenlet \"(.*?)\" at 0x[0-9a-f]+: (.*)>$", "$1: $2");
                    assertThat(g.name()).isEqualTo(name);
                }
                assertThat(g.hub()).as(e.header() + " " + g).isEqualTo(e.header().startsWith("<Hub "));
            }
            // The frozen hub thread: the blocker runs there, blocked in the lock ...
            Greenlet blocker = found.get(me);
            assertThat(blocker.state()).isEqualTo("running");
            assertThat(threadOf.get(me)).isEqualTo(mainThread.tid());
            assertThat(mainThread.greenlets().get(0)).isEqualTo(blocker);
            StackGroup mainGroup = s.groups().stream().filter(g -> g.threads().get(0).main()).findFirst().orElseThrow();
            assertThat(mainGroup.frames().get(0).display())
                    .isEqualTo(new Frame("blocker", "<string>", src.line("blocker-acquires")).display());
            assertThat(mainThread.state()).isEqualTo("lock_wait");
            // ... and the greenlet holding that lock is shown suspended where it holds it.
            Greenlet holder = found.get(oracle.get("holder").asString());
            assertThat(holder.state()).isEqualTo("suspended");
            assertThat(holder.frames()).contains(new Frame("hold_lock", "<string>", src.line("holder-suspended")));
            assertThat(threadOf.get(holder.id())).isEqualTo(mainThread.tid());
            // The other thread's greenlets are under that thread.
            long other = s.groups().stream().flatMap(g -> g.threads().stream())
                    .filter(th -> "other-hub".equals(th.name())).findFirst().orElseThrow().tid();
            long onOther = info.greenlets().values().stream().filter(e -> e.header().contains("other_thread_worker"))
                    .map(e -> threadOf.get(e.id())).filter(tid -> tid == other).count();
            assertThat(onOther).as(text).isEqualTo(1);
            assertThat(text).contains("hold_lock (<string>:" + src.line("holder-suspended") + ")");
            SnapshotSchemaCheck.assertValidJson(s);
        }
    }

    static List<String> names(List<Frame> frames) {
        List<String> out = new ArrayList<>();
        for (Frame f : frames) {
            String fn = f.function();
            out.add(fn.substring(fn.lastIndexOf('.') + 1) + ":" + f.line());
        }
        return out;
    }

    /** The target blocks right after printing: wait until its main thread sleeps in the futex. */
    static void waitUntilBlocked(TestPythons.Target t) throws Exception {
        for (int i = 0; i < 100; i++) {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + t.pid() + "/wchan"),
                    java.nio.charset.StandardCharsets.US_ASCII);
            if (stat.contains("futex")) {
                Thread.sleep(50);
                return;
            }
            Thread.sleep(20);
        }
    }
}
