package dev.thaw.python;

import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.FrameLocals;
import dev.thaw.snapshot.FrameSource;
import dev.thaw.snapshot.LocalValue;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitedObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thread names, waited-on objects, locals and source lines read from the memory and files of live
 * 3.14 and 3.15 targets, each checked against what the target wrote about itself
 * ({@code id()} of its objects, {@code sys._getframe().f_locals}) before it blocked.
 */
class PythonDeepReadTest {

    private static ThreadSnapshot thread(Snapshot s, String pythonName) {
        return s.groups().stream().flatMap(g -> g.threads().stream())
                .filter(t -> t.python() != null && pythonName.equals(t.python().name())).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + pythonName + " in\n" + SnapshotRenderer.text(s)));
    }

    private static StackGroup groupOf(Snapshot s, ThreadSnapshot t) {
        return s.groups().stream().filter(g -> g.tids().contains(t.tid())).findFirst().orElseThrow();
    }

    private static String hex(JsonNode n) {
        return "0x" + Long.toHexString(n.asLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void namesWaitsLocalsAndSourceOfBlockedThreads(String version) throws Exception {
        try (DeepTargets dir = new DeepTargets();
             var t = dir.run(version, "blocked_objects.py", dir.target("truth.json"))) {
            JsonNode truth = JsonMapper.builder().build().readTree(Files.readString(dir.host("truth.json")));
            // The main thread prints "ready" and then enters select(): look until it is in there.
            Snapshot s = null;
            for (int i = 0; i < 100 && (s == null || thread(s, "MainThread").python().waitsOn() == null); i++) {
                if (s != null) {
                    Thread.sleep(20);
                }
                s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.of(null, null, null, null, null, true, null));
            }
            String text = SnapshotRenderer.text(s, Integer.MAX_VALUE);

            // thread names beside the OS names (15 characters at most there)
            ThreadSnapshot q = thread(s, "queue-getter-with-a-long-name");
            assertThat(q.name()).isEqualTo("queue-getter-wi");
            ThreadSnapshot main = thread(s, "MainThread");
            assertThat(main.main()).isTrue();
            assertThat(main.python().threadClass()).isEqualTo("threading._MainThread");
            assertThat(main.python().observation()).isNull();
            assertThat(thread(s, "cond-a").python().threadClass()).isEqualTo("threading.Thread");
            assertThat(thread(s, "cond-a").python().daemon()).isTrue();

            // two threads on one Condition: different waiter locks, the same Condition
            List<WaitedObject> a = thread(s, "cond-a").python().waitsOn();
            List<WaitedObject> b = thread(s, "cond-b").python().waitsOn();
            assertThat(a.get(0).type()).isEqualTo("_thread.lock");
            assertThat(a.get(0).role()).isEqualTo("receiver");
            assertThat(a.get(0).held()).isTrue();
            assertThat(a.get(0).function()).isEqualTo("Condition.wait → _thread.lock.acquire");
            assertThat(a.get(0).address()).isNotEqualTo(b.get(0).address());
            WaitedObject condA = a.stream().filter(w -> w.role().equals("self")).findFirst().orElseThrow();
            WaitedObject condB = b.stream().filter(w -> w.role().equals("self")).findFirst().orElseThrow();
            assertThat(condA.type()).isEqualTo("threading.Condition");
            assertThat(condA.address()).isEqualTo(condB.address()).isEqualTo(hex(truth.get("cv")));

            // an RLock held twice by its owner
            WaitedObject rl = thread(s, "rlock-waiter").python().waitsOn().get(0);
            assertThat(rl.type()).isEqualTo("_thread.RLock");
            assertThat(rl.address()).isEqualTo(hex(truth.get("rlock")));
            assertThat(rl.held()).isTrue();
            assertThat(rl.ownerName()).isEqualTo("rlock-owner");
            assertThat(rl.ownerTid()).isEqualTo(thread(s, "rlock-owner").tid());
            assertThat(rl.count()).isEqualTo(2L);

            WaitedObject lock = thread(s, "lock-waiter").python().waitsOn().get(0);
            assertThat(lock.type()).isEqualTo("_thread.lock");
            assertThat(lock.address()).isEqualTo(hex(truth.get("plain")));
            assertThat(lock.held()).isTrue();

            WaitedObject sq = q.python().waitsOn().get(0);
            assertThat(sq.type()).isEqualTo("_queue.SimpleQueue");
            assertThat(sq.address()).isEqualTo(hex(truth.get("simple")));

            List<WaitedObject> join = thread(s, "joiner").python().waitsOn();
            assertThat(join).anyMatch(w -> w.type().equals("threading.Thread") && w.role().equals("self"));

            WaitedObject sel = main.python().waitsOn().get(0);
            assertThat(sel.role()).isEqualTo("call");
            assertThat(sel.function()).isEqualTo("captured → select.select");

            // locals of the main thread's innermost frame, against f_locals as the target saw them
            FrameLocals fl = main.python().locals().get(0);
            assertThat(fl.function()).isEqualTo("captured");
            Map<String, LocalValue> byName = new HashMap<>();
            fl.locals().forEach(v -> byName.put(v.name(), v));
            truth.get("locals").properties().forEach(e -> {
                LocalValue v = byName.get(e.getKey());
                assertThat(v).as(e.getKey()).isNotNull();
                String type = e.getValue().get(0).asString().replace("builtins.", "");
                assertThat(v.type()).as(e.getKey()).isEqualTo(type);
                assertThat(v.address()).as(e.getKey()).isEqualTo(hex(e.getValue().get(1)));
            });
            assertThat(byName.get("alpha").kind()).isEqualTo("arg");
            assertThat(byName.get("alpha").value()).isEqualTo("'first'");
            assertThat(byName.get("count").value()).isEqualTo("42");
            assertThat(byName.get("text").value()).isEqualTo("'hello, thaw'");
            assertThat(byName.get("items").value()).startsWith("<list len=3 at 0x");
            assertThat(byName.get("table").value()).startsWith("<dict len=1 at 0x");
            assertThat(byName.get("beta").value()).startsWith("<list len=5 at 0x");
            assertThat(byName.get("ratio").value()).isEqualTo("1.5");
            assertThat(byName.get("raw").value()).isEqualTo("b'ab\\x00'");
            assertThat(byName.get("nothing").value()).isEqualTo("None");

            // source lines from the target's own file (its path does not exist on the host)
            assertThat(java.nio.file.Path.of(dir.target("blocked_objects.py"))).doesNotExist();
            Frame top = groupOf(s, main).frames().get(0);
            assertThat(top.source().status()).isEqualTo(FrameSource.OK);
            assertThat(top.source().line()).contains("select.select([r], [], [])  # marker: select");
            Frame cond = groupOf(s, thread(s, "cond-a")).frames().get(1);
            assertThat(cond.source().line()).contains("# marker: cond-wait");
            assertThat(text).contains("# marker: queue-get").contains("_queue.SimpleQueue@" + hex(truth.get("simple")))
                    .contains("locals: alpha='first'")
                    .contains("all 2 wait through threading.Condition@" + hex(truth.get("cv")));
            // a thread's own Thread object (self of its run and bootstrap frames) is not something it waits on
            assertThat(a).noneMatch(w -> w.type().equals("threading.Thread"));
            assertThat(s.python().modules().notable()).contains("threading", "queue").doesNotContain("gevent");
            assertThat(s.python().modules().geventPatched()).isNull();
        }
    }
}
