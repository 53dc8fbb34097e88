package dev.thaw.python;

import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.FrameSource;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitedObject;
import dev.thaw.testing.PythonProgram;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Source lines (fresh, stale, missing, with context) and loaded modules on live targets, gevent included. */
class PythonSourceAndModulesTest {

    private static Frame frameAt(Snapshot s, String function) {
        return s.groups().stream().flatMap(g -> g.frames().stream()).filter(f -> f.function().equals(function))
                .findFirst().orElseThrow(() -> new AssertionError("no frame " + function + " in\n" + SnapshotRenderer.text(s)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void changedAndDeletedSourcesAreMarked(String version) throws Exception {
        try (DeepTargets dir = new DeepTargets(); var t = dir.run(version, "edited_source.py", dir.targetDir)) {
            // the kept helper gains a line at the top, well after the process started
            String kept = Files.readString(dir.host("helper_kept.py"));
            int waits = new PythonProgram("helper_kept.py", kept).line("park-waits");
            Files.writeString(dir.host("helper_kept.py"), "# edited: one line more\n" + kept);
            Files.setLastModifiedTime(dir.host("helper_kept.py"), FileTime.from(Instant.now().plusSeconds(5)));
            Files.delete(dir.host("helper_deleted.py"));

            SnapshotRequest context = SnapshotRequest.of(null, null, null, null, "context", null, null);
            Snapshot first = PythonSnapshotter.snapshot(t.pid(), context);
            // the main thread prints "ready" just before it parks: wait until it has
            for (int i = 0; i < 100 && first.groups().stream().flatMap(g -> g.frames().stream())
                    .noneMatch(f -> f.file().endsWith("helper_kept.py")); i++) {
                Thread.sleep(20);
                first = PythonSnapshotter.snapshot(t.pid(), context);
            }
            Snapshot s = first;
            List<Frame> parks = s.groups().stream().flatMap(g -> g.frames().stream())
                    .filter(f -> f.function().equals("park")).toList();
            Frame keptFrame = parks.stream().filter(f -> f.file().endsWith("helper_kept.py")).findFirst()
                    .orElseThrow(() -> new AssertionError(SnapshotRenderer.text(s, Integer.MAX_VALUE)));
            Frame deletedFrame = parks.stream().filter(f -> f.file().endsWith("helper_deleted.py")).findFirst()
                    .orElseThrow(() -> new AssertionError(SnapshotRenderer.text(s, Integer.MAX_VALUE)));
            assertThat(keptFrame.source().status()).isEqualTo(FrameSource.STALE);
            assertThat(keptFrame.source().reason()).contains("after the process started");
            assertThat(keptFrame.line()).isEqualTo(waits);
            assertThat(keptFrame.source().line()).isEqualTo("def park(ev):"); // the line above it, moved down by one
            assertThat(deletedFrame.source().status()).isEqualTo(FrameSource.MISSING);
            assertThat(deletedFrame.source().reason()).contains("no such file");
            // context: lines around the frame's, numbered from firstLine
            Frame module = frameAt(s, "<module>");
            assertThat(module.source().status()).isEqualTo(FrameSource.OK);
            assertThat(module.source().context()).contains("helper_kept.park(ev)");
            assertThat(module.source().context().get(module.line() - module.source().firstLine()))
                    .isEqualTo("helper_kept.park(ev)");
            String text = SnapshotRenderer.text(s, Integer.MAX_VALUE);
            assertThat(text).contains("> " + module.line() + ": helper_kept.park(ev)").contains("source stale");

            Snapshot none = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.of(null, null, null, null, "none", null, null));
            assertThat(none.groups().stream().flatMap(g -> g.frames().stream())).allMatch(f -> f.source() == null);
        }
    }

    /**
     * The hub's thread is blocked by a greenlet in a C queue wait: nothing can be injected, and
     * everything must come from memory.
     */
    private static ThreadSnapshot mainOf(Snapshot s) {
        return s.groups().stream().flatMap(g -> g.threads().stream()).filter(ThreadSnapshot::main).findFirst()
                .orElseThrow();
    }

    @Test
    void aFrozenGeventHubNamesGeventPatchingAndTheQueueItsThreadIsBlockedOn() throws Exception {
        try (DeepTargets dir = new DeepTargets(); var t = dir.run("3.14", "frozen_gevent_hub.py")) {
            // The worker prints "ready" and then blocks in the queue: look until the hub's thread is in there.
            Snapshot s = null;
            for (int i = 0; i < 100 && (s == null || mainOf(s).python().waitsOn() == null); i++) {
                if (s != null) {
                    Thread.sleep(20);
                }
                s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.defaults());
            }
            assertThat(s.python().modules().notable()).contains("gevent", "greenlet", "threading");
            assertThat(s.python().modules().geventPatched()).contains("socket", "threading", "time", "select");
            ThreadSnapshot main = s.groups().stream().flatMap(g -> g.threads().stream()).filter(ThreadSnapshot::main)
                    .findFirst().orElseThrow();
            WaitedObject w = main.python().waitsOn().get(0);
            assertThat(w.type()).isEqualTo("_queue.SimpleQueue");
            assertThat(w.role()).isEqualTo("receiver");
            assertThat(w.function()).isEqualTo("worker → _queue.SimpleQueue.get");
            StackGroup g = s.groups().stream().filter(x -> x.tids().contains(main.tid())).findFirst().orElseThrow();
            assertThat(g.frames().get(0).source().line()).contains("# marker: frozen-get");
            assertThat(SnapshotRenderer.text(s)).contains("gevent monkey-patched: ").contains("blocked on _queue.SimpleQueue@0x");
        }
    }

    /** A child forked from a worker thread: its first OS thread runs a worker's Thread, blocked on a lock held at fork(). */
    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aChildForkedFromAWorkerThreadShowsTheWorkersThreadOnItsFirstOsThread(String version) {
        try (DeepTargets dir = new DeepTargets(); var t = dir.run(version, "fork_from_worker.py")) {
            int child = Integer.parseInt(t.readyLine().trim());
            try {
                Snapshot s = null;
                ThreadSnapshot main = null;
                for (int i = 0; i < 50 && (main == null || main.python() == null || main.python().waitsOn() == null); i++) {
                    s = PythonSnapshotter.snapshot(child, SnapshotRequest.defaults());
                    main = s.groups().get(0).threads().get(0);
                }
                assertThat(s.totalThreads()).isEqualTo(1);
                assertThat(main.tid()).isEqualTo(child);
                assertThat(main.python().name()).isEqualTo("forker-1");
                assertThat(main.python().threadClass()).isEqualTo("threading.Thread");
                assertThat(main.python().observation()).contains("forked from that thread");
                WaitedObject w = main.python().waitsOn().get(0);
                assertThat(w.type()).isEqualTo("_thread.lock");
                assertThat(w.held()).isTrue();
                assertThat(SnapshotRenderer.text(s)).contains("! the process's first OS thread runs the bootstrap of Thread \"forker-1\"");
            } finally {
                ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void aProcessWithoutGeventHasNoPatchingState() {
        try (DeepTargets dir = new DeepTargets(); var t = dir.run("3.15", "edited_source.py", dir.targetDir)) {
            Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.defaults());
            assertThat(s.python().modules().notable()).contains("threading").doesNotContain("gevent", "asyncio");
            assertThat(s.python().modules().geventPatched()).isNull();
            assertThat(s.python().modules().total()).isGreaterThan(10);
        }
    }
}
