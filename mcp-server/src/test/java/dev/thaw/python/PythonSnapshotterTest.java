package dev.thaw.python;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole snapshot operation on live targets: kernel states, sampling, grouping, ranking, rendering, JSON. */
class PythonSnapshotterTest {

    /** Ready once every thread had time to park (0.3 s); the main thread parks right after. */
    static final String BLOCKED = PythonStackReaderTest.BLOCKED_IN_C.text().replace("_thaw_truth()",
            "time.sleep(0.3); print('ready', flush=True)");

    static StackGroup groupAt(Snapshot s, String innermost) {
        return s.groups().stream().filter(g -> !g.frames().isEmpty() && g.frames().get(0).function().equals(innermost))
                .findFirst().orElseThrow(() -> new AssertionError("no group with innermost " + innermost + " in\n"
                        + SnapshotRenderer.text(s)));
    }

    @Test
    void kernelStateAndSyscallOfEveryThread() {
        try (TestPythons.Target t = TestPythons.start("3.14", BLOCKED)) {
            Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.defaults());
            assertThat(s.runtime()).isEqualTo("cpython");
            assertThat(s.runtimeVersion()).startsWith("3.14.");
            assertThat(s.totalThreads()).isEqualTo(8);
            assertThat(s.notes()).isEmpty();
            ThreadSnapshot lock = groupAt(s, "in_lock").threads().get(0);
            assertThat(lock.name()).isEqualTo("in_lock"); // 3.14 names OS threads after Python threads
            assertThat(lock.syscall()).isEqualTo("futex");
            assertThat(lock.state()).isEqualTo(WaitClassifier.LOCK_WAIT);
            assertThat(lock.lockWaitedOn()).startsWith("futex@0x");
            assertThat(lock.kernelState()).isEqualTo("sleeping");
            assertThat(lock.holdsGil()).isFalse();
            assertThat(groupAt(s, "in_sleep").threads().get(0).state()).isEqualTo(WaitClassifier.SLEEPING);
            assertThat(groupAt(s, "in_sleep").threads().get(0).syscall()).isEqualTo("clock_nanosleep");
            assertThat(groupAt(s, "in_recv").threads().get(0).syscall()).isEqualTo("recvfrom");
            assertThat(groupAt(s, "in_read").threads().get(0).syscall()).isEqualTo("read");
            assertThat(groupAt(s, "in_select").threads().get(0).syscall()).isIn("select", "pselect6");
            assertThat(groupAt(s, "in_select").threads().get(0).state()).isEqualTo(WaitClassifier.IO_WAIT);
            StackGroup main = s.groups().stream().filter(g -> g.threads().get(0).main()).findFirst().orElseThrow();
            assertThat(main.tids()).containsExactly((long) t.pid());
            assertThat(main.why()).contains("main thread");
        }
    }

    /**
     * A container's process: its own PID namespace, so the thread ids CPython records (its main
     * thread is 1) are not the host's /proc/PID/task ids. Every thread must still get its kernel
     * state, and the main thread is still recognised. The target prints its host pid (/proc/self
     * in the sid root is the host's /proc).
     */
    @Test
    void aProcessInItsOwnPidNamespaceGetsTheKernelStateOfEveryThread() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/unshare")),
                "unshare is needed");
        String code = BLOCKED.replace("print('ready', flush=True)", "print(os.readlink('/proc/self'), flush=True)");
        try (TestPythons.Target t = TestPythons.start(List.of("/usr/bin/unshare", "--pid", "--fork", "--kill-child",
                TestPythons.require("3.14").toString(), "-c", code), Map.of())) {
            int pid = Integer.parseInt(t.readyLine().trim());
            assertThat(pid).as("the host pid, not the namespace's").isNotEqualTo(1);
            Snapshot s = PythonSnapshotter.snapshot(pid, SnapshotRequest.defaults());
            assertThat(s.totalThreads()).isEqualTo(8);
            assertThat(s.notes()).anyMatch(n -> n.contains("PID namespace of its own"));
            ThreadSnapshot lock = groupAt(s, "in_lock").threads().get(0);
            assertThat(lock.name()).isEqualTo("in_lock");
            assertThat(lock.syscall()).isEqualTo("futex");
            assertThat(lock.state()).isEqualTo(WaitClassifier.LOCK_WAIT);
            assertThat(groupAt(s, "in_sleep").threads().get(0).syscall()).isEqualTo("clock_nanosleep");
            assertThat(s.groups()).flatExtracting(StackGroup::threads).allSatisfy(th -> {
                assertThat(th.note()).as("thread " + th.tid()).isNull();
                assertThat(th.kernelState()).as("thread " + th.tid()).isNotNull();
            });
            StackGroup main = s.groups().stream().filter(g -> g.threads().get(0).main()).findFirst().orElseThrow();
            assertThat(main.tids()).as("ids as the process sees them").containsExactly(1L);
        }
    }

    @Test
    void samplingMarksStuckThreadsAndRanksTheGilHolderAndLockWaiters() {
        String program = PythonProgram.of("python/snapshots/gil_hog_and_lock_waiters.py").text();
        try (TestPythons.Target t = TestPythons.start("3.14", program)) {
            Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.of(3, 50, null, null));
            assertThat(s.samples()).isEqualTo(3);
            // the main thread also waits on a lock in every sample: it ranks first, then the waiters
            StackGroup main = s.groups().get(0);
            assertThat(main.frames().get(0).function()).isEqualTo("<module>");
            assertThat(main.why()).containsExactly("waiting on a lock with the same stack in all 3 samples",
                    "main thread");
            StackGroup waiters = s.groups().get(1);
            assertThat(waiters.count()).isEqualTo(3);
            assertThat(waiters.frames().get(0).function()).isEqualTo("waiter");
            assertThat(waiters.threads()).allMatch(x -> Boolean.TRUE.equals(x.stuck()));
            assertThat(waiters.why()).contains("waiting on a lock with the same stack in all 3 samples");
            StackGroup spinner = s.groups().get(2);
            assertThat(spinner.frames().get(0).function()).isEqualTo("spin");
            assertThat(spinner.threads().get(0).holdsGil()).isTrue();
            assertThat(spinner.threads().get(0).state()).isEqualTo(WaitClassifier.RUNNING);
            assertThat(spinner.why()).anyMatch(w -> w.startsWith("holds the GIL"));
            String text = SnapshotRenderer.text(s);
            assertThat(text).contains("3 samples").contains("HOLDS GIL").contains("stuck");
        }
    }

    @Test
    void threadFilterAndMaxFrames() {
        String program = PythonProgram.of("python/snapshots/deep_and_other.py").text();
        try (TestPythons.Target t = TestPythons.start("3.15", program)) {
            Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.of(1, 100, "deep", 10));
            assertThat(s.totalThreads()).isEqualTo(3);
            assertThat(s.shownThreads()).isEqualTo(1);
            StackGroup g = s.groups().get(0);
            assertThat(g.frames()).hasSize(10);
            assertThat(g.framesOmitted()).isEqualTo(106 - 10); // wait x2, rec x101, run, bootstrap x2
            assertThat(g.frames().get(9).function()).isEqualTo("Thread._bootstrap");
            long tid = g.tids().get(0);
            Snapshot byTid = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.of(1, 100, Long.toString(tid), null));
            assertThat(byTid.groups()).hasSize(1);
            assertThat(SnapshotRenderer.text(s)).contains("… 96 frames …");
            Snapshot none = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.of(1, 100, "nope", null));
            assertThat(none.groups()).isEmpty();
            assertThat(none.notes()).anyMatch(n -> n.contains("No thread matches"));
        }
    }

    @Test
    void fiveHundredThreadsRenderInAFewKilobytes() {
        String program = PythonProgram.of("python/snapshots/five_hundred_threads.py").text();
        try (TestPythons.Target t = TestPythons.start("3.14", program)) {
            Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.defaults());
            assertThat(s.totalThreads()).isEqualTo(501);
            assertThat(s.groups().stream().mapToInt(StackGroup::count).sum()).isEqualTo(501);
            assertThat(s.groups()).hasSizeGreaterThan(50); // 7 shared depths + 50 distinct + main
            String text = SnapshotRenderer.text(s);
            assertThat(text.length()).isLessThan(9000);
            assertThat(text).contains("more stacks");
        }
    }

    @Test
    void jsonOfASnapshotValidatesAgainstTheSchema() throws Exception {
        Schema schema;
        try (InputStream in = getClass().getResourceAsStream("/schemas/snapshot.schema.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        try (TestPythons.Target t = TestPythons.start("3.14", Map.of("PYTHON_DISABLE_REMOTE_DEBUG", "1"), BLOCKED)) {
            Snapshot s = PythonSnapshotter.snapshot(t.pid(), SnapshotRequest.of(2, 20, null, 5));
            JsonMapper mapper = JsonMapper.builder().build();
            JsonNode json = mapper.valueToTree(s);
            List<Error> errors = schema.validate(json);
            assertThat(errors).as(json.toPrettyString()).isEmpty();
            assertThat(json.get("groups").get(0).get("frames").get(0).has("line")).isTrue();
            assertThat(mapper.treeToValue(json, Snapshot.class)).isEqualTo(s);
            assertThat(s.notes()).anyMatch(n -> n.contains("remote debugging is disabled"));
            // A serializer that drops nulls must validate too.
            JsonMapper nonNull = JsonMapper.builder().changeDefaultPropertyInclusion(
                    v -> v.withValueInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)).build();
            assertThat(schema.validate(nonNull.valueToTree(s))).isEmpty();
        }
    }

    @Test
    void frameEquality() {
        assertThat(new Frame("f", "x.py", 1).display()).isEqualTo("f (x.py:1)");
        assertThat(new Frame("f", "x.py", null).display()).isEqualTo("f (x.py)");
    }
}
