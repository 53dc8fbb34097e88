package dev.thaw.snapshot;

import dev.thaw.ThawException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Grouping, stuck detection, ranking, cutting and rendering on hand-made samples. */
class SnapshotAssemblerTest {

    static final List<Frame> WAIT = List.of(new Frame("Condition.wait", "/t.py", 359), new Frame("work", "/w.py", 5));
    static final List<Frame> MAIN = List.of(new Frame("<module>", "/m.py", 9));

    static ThreadStack thread(long tid, String name, boolean main, Boolean gil, String state, String syscall,
                              List<Frame> frames) {
        return new ThreadStack(new ThreadSnapshot(tid, name, main, gil, state, "sleeping", syscall, null, null,
                syscall != null && syscall.equals("futex") ? "futex@0x10" : null, List.of(), null, null), frames);
    }

    static List<ThreadStack> sample(List<Frame> mainFrames) {
        List<ThreadStack> s = new ArrayList<>();
        s.add(thread(100, "python3.14", true, false, "io_wait", "epoll_wait", mainFrames));
        for (int i = 0; i < 50; i++) {
            s.add(thread(200 + i, "worker-" + i, false, false, "lock_wait", "futex", WAIT));
        }
        s.add(thread(300, "busy", false, true, "running", "running", List.of(new Frame("spin", "/s.py", 3))));
        return s;
    }

    @Test
    void groupsIdenticalStacksAndRanksStuckLockWaitersFirst() {
        List<Frame> moved = List.of(new Frame("<module>", "/m.py", 10));
        Snapshot s = SnapshotAssembler.assemble(1, "cpython", "3.14.10", "now", SnapshotRequest.of(2, 10, null, null),
                List.of(sample(MAIN), sample(moved)), List.of());
        assertThat(s.groups()).hasSize(3);
        StackGroup first = s.groups().get(0);
        assertThat(first.count()).isEqualTo(50);
        assertThat(first.tids()).hasSize(50).startsWith(200L);
        assertThat(first.why()).containsExactly("waiting on a lock with the same stack in all 2 samples");
        assertThat(s.groups().get(1).why()).contains("holds the GIL");
        StackGroup main = s.groups().get(2);
        assertThat(main.threads().get(0).stuck()).isFalse();
        assertThat(main.frames()).isEqualTo(moved);
        assertThat(main.rank()).isEqualTo(3);
    }

    @Test
    void consequencesRankBehindTheirCauses() {
        // The main thread joins the workers; another waits with a timeout: both behind the stuck lock waiters.
        List<ThreadStack> one = new ArrayList<>();
        one.add(thread(100, "python3.14", true, false, "lock_wait", "futex", List.of(new Frame("Thread.join", "/t.py", 1134))));
        one.add(thread(101, "poller", false, false, WaitClassifier.TIMED_WAIT, "futex", WAIT));
        one.add(thread(200, "transfer-worker", false, false, "lock_wait", "futex", List.of(new Frame("transfer", "/w.py", 17))));
        Snapshot s = SnapshotAssembler.assemble(1, "cpython", "3.14.10", "now", SnapshotRequest.of(2, 10, null, null),
                List.of(one, one), List.of());
        assertThat(s.groups()).extracting(g -> g.threads().get(0).name())
                .containsExactly("transfer-worker", "python3.14", "poller");
        assertThat(s.groups().get(1).why()).contains("joins other threads: look at what they wait on");

        // A JVM housekeeping thread waiting forever on its queue ranks behind an application thread doing the same.
        ThreadStack finalizer = jvm(1, "Finalizer", true, "java.lang.ref.Finalizer$FinalizerThread.run");
        ThreadStack app = jvm(2, "order-placer", false, "Orders.place");
        Snapshot j = SnapshotAssembler.assemble(1, "hotspot", "17", "now", SnapshotRequest.of(2, 10, null, null),
                List.of(List.of(finalizer, app), List.of(finalizer, app)), List.of());
        assertThat(j.groups()).extracting(g -> g.threads().get(0).name()).containsExactly("order-placer", "Finalizer");
    }

    private static ThreadStack jvm(long tid, String name, boolean housekeeping, String caller) {
        return new ThreadStack(new ThreadSnapshot(tid, name, false, null, "WAITING", "sleeping", "futex", null, null,
                "java.lang.Object@1", List.of(), null, null, new JvmThreadDetail(tid, true, false, "waiting", false, housekeeping)),
                List.of(new Frame("java.lang.Object.wait", "Object.java", 1), new Frame(caller, "X.java", 2)));
    }

    @Test
    void oneSampleLeavesStuckUnknown() {
        Snapshot s = SnapshotAssembler.assemble(1, "cpython", "3.14.10", "now", SnapshotRequest.defaults(),
                List.of(sample(MAIN)), List.of("a note"));
        assertThat(s.groups()).allMatch(g -> g.threads().stream().allMatch(t -> t.stuck() == null));
        assertThat(s.notes()).containsExactly("a note");
        String text = SnapshotRenderer.text(s);
        assertThat(text).startsWith("cpython 3.14.10 pid 1: 52 threads in 3 stacks").contains("note: a note")
                .contains("50 threads · lock_wait futex · tids 200-249").contains("MAIN");
    }

    @Test
    void cutsTheMiddleOfDeepStacks() {
        List<Frame> deep = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            deep.add(new Frame("f" + i, "/d.py", i + 1));
        }
        List<Frame> cut = SnapshotAssembler.cut(deep, 20);
        assertThat(cut).hasSize(20);
        assertThat(cut.get(0).function()).isEqualTo("f0");
        assertThat(cut.get(14).function()).isEqualTo("f14");
        assertThat(cut.get(15).function()).isEqualTo("f95");
        assertThat(cut.get(19).function()).isEqualTo("f99");
        Snapshot s = SnapshotAssembler.assemble(1, "cpython", "3.15.2", "now", SnapshotRequest.of(1, 10, null, 20),
                List.of(List.of(thread(5, "t", false, false, "running", "running", deep))), List.of());
        assertThat(s.groups().get(0).framesOmitted()).isEqualTo(80);
        assertThat(SnapshotRenderer.text(s)).contains("… 80 frames …").contains("f99 (/d.py:100)");
    }

    @Test
    void filterByTidOrName() {
        assertThat(SnapshotAssembler.matches(sample(MAIN).get(1).thread(), "worker-0")).isTrue();
        assertThat(SnapshotAssembler.matches(sample(MAIN).get(1).thread(), "WORKER")).isTrue();
        assertThat(SnapshotAssembler.matches(sample(MAIN).get(0).thread(), "100")).isTrue();
        assertThat(SnapshotAssembler.matches(sample(MAIN).get(0).thread(), "101")).isFalse();
    }

    @Test
    void tidRanges() {
        assertThat(SnapshotRenderer.tids(List.of(5L, 1L, 2L, 3L, 9L))).isEqualTo("1-3,5,9");
        List<Long> many = new ArrayList<>();
        for (long i = 0; i < 40; i += 2) {
            many.add(i);
        }
        assertThat(SnapshotRenderer.tids(many)).endsWith(",+8 more");
    }

    @Test
    void requestValidation() {
        assertThatThrownBy(() -> SnapshotRequest.of(0, null, null, null)).isInstanceOf(ThawException.class)
                .hasMessageContaining("samples");
        assertThatThrownBy(() -> SnapshotRequest.of(null, 0, null, null)).hasMessageContaining("interval_ms");
        assertThatThrownBy(() -> SnapshotRequest.of(null, null, null, 0)).hasMessageContaining("max_frames");
        assertThat(SnapshotRequest.of(null, null, "  ", null).thread()).isNull();
    }
}
