package dev.thaw.python.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.python.inject.Pep768Writer.PyThread;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which threads get armed, decided on the kernel's view of each thread. */
class ThreadPlannerTest {

    static ThreadPlanner.Candidate c(long tid, boolean main, WaitKind kind, Long ms) {
        return new ThreadPlanner.Candidate(new PyThread(tid * 1000, tid, main, true),
                new KernelThread(tid, "t" + tid, kind == WaitKind.RUNNING ? 'R' : 'S', "x", kind, ms, kind.wire()));
    }

    static ThreadPlanner.Candidate aged(long tid, boolean main, long ageMs) {
        ThreadPlanner.Candidate x = c(tid, main, WaitKind.RUNNING, 0L);
        return new ThreadPlanner.Candidate(x.thread(), x.kernel(), ageMs);
    }

    static List<Long> tids(List<ThreadPlanner.Candidate> plan) {
        return plan.stream().map(x -> x.thread().nativeTid()).toList();
    }

    @Test
    void autoArmsTheMainThreadWhenItWakesByItselfAndEveryOtherThreadThatDoes() {
        var all = List.of(c(2, false, WaitKind.UNBOUNDED, null), c(1, true, WaitKind.BOUNDED, 10L),
                c(3, false, WaitKind.RUNNING, 0L));
        assertThat(tids(ThreadPlanner.plan(1, ThreadChoice.AUTO, InjectionMode.THREAD, all))).containsExactly(3L, 1L);
        assertThat(tids(ThreadPlanner.plan(1, ThreadChoice.AUTO, InjectionMode.INLINE, all)))
                .as("inline: one thread, the main one when eligible").containsExactly(1L);
    }

    @Test
    void autoLeavesThreadsThatJustStartedAloneUntilTheySettle() {
        // Writing into the state of a thread that exits a moment later corrupts the target's heap.
        var all = List.of(aged(1, true, 5), aged(2, false, 50), aged(3, false, 5_000));
        assertThat(tids(ThreadPlanner.plan(1, ThreadChoice.AUTO, InjectionMode.THREAD, all))).containsExactly(1L, 3L);
        assertThat(tids(ThreadPlanner.additions(InjectionMode.THREAD, all, List.of(1L, 3L)))).isEmpty();
        assertThat(tids(ThreadPlanner.additions(InjectionMode.THREAD,
                List.of(aged(1, true, 1_500), aged(2, false, 1_050), aged(3, false, 6_000)), List.of(1L, 3L))))
                .as("once settled, the re-plan adds it").containsExactly(2L);
        assertThat(tids(ThreadPlanner.plan(1, ThreadChoice.AUTO, InjectionMode.THREAD,
                List.of(aged(2, false, 20), aged(3, false, 300))))).as("only young threads: the oldest").containsExactly(3L);
        ThreadPlanner.Candidate blocked = c(4, false, WaitKind.UNBOUNDED, null);
        ThreadPlanner.Candidate mainBlocked = c(1, true, WaitKind.UNBOUNDED, null);
        assertThat(tids(ThreadPlanner.plan(1, ThreadChoice.AUTO, InjectionMode.THREAD,
                List.of(new ThreadPlanner.Candidate(blocked.thread(), blocked.kernel(), 30L), mainBlocked))))
                .as("a young thread blocked forever cannot be on its way out: armed with the rest").containsExactlyInAnyOrder(1L, 4L);
        assertThat(tids(ThreadPlanner.plan(1, ThreadChoice.tid(2), InjectionMode.THREAD, all)))
                .as("an explicit TID is the caller's choice").containsExactly(2L);
    }

    @Test
    void autoSkipsAMainThreadBlockedForever() {
        var all = List.of(c(1, true, WaitKind.UNBOUNDED, null), c(2, false, WaitKind.BOUNDED, 50L),
                c(3, false, WaitKind.UNBOUNDED, null));
        assertThat(tids(ThreadPlanner.plan(1, ThreadChoice.AUTO, InjectionMode.THREAD, all))).containsExactly(2L);
        assertThat(tids(ThreadPlanner.plan(1, ThreadChoice.AUTO, InjectionMode.INLINE, all))).containsExactly(2L);
    }

    @Test
    void whenEveryThreadIsBlockedAllAreArmedAndInlineTakesMain() {
        var all = List.of(c(1, true, WaitKind.UNBOUNDED, null), c(2, false, WaitKind.UNBOUNDED, null));
        assertThat(tids(ThreadPlanner.plan(1, ThreadChoice.AUTO, InjectionMode.THREAD, all))).containsExactlyInAnyOrder(1L, 2L);
        assertThat(tids(ThreadPlanner.plan(1, ThreadChoice.AUTO, InjectionMode.INLINE, all))).containsExactly(1L);
    }

    static ThreadPlanner.Candidate sleeping(long tid, boolean main, long ms, boolean exact) {
        return new ThreadPlanner.Candidate(new PyThread(tid * 1000, tid, main, true),
                new KernelThread(tid, "t" + tid, 'S', "clock_nanosleep", WaitKind.BOUNDED, ms, "sleep", exact));
    }

    @Test
    void undeliverableOnlyWhenEveryCandidateProvablyCannotWakeWithinTheWait() {
        var blocked = List.of(c(1, true, WaitKind.UNBOUNDED, null), c(2, false, WaitKind.UNBOUNDED, null));
        assertThat(ThreadPlanner.undeliverable(ThreadChoice.AUTO, blocked, blocked, 10_000)).isTrue();
        var oneSleepsPastTheWait = List.of(c(1, true, WaitKind.UNBOUNDED, null), sleeping(2, false, 999_959_926L, true));
        assertThat(ThreadPlanner.undeliverable(ThreadChoice.AUTO, oneSleepsPastTheWait, oneSleepsPastTheWait, 10_000)).isTrue();
        var oneWakesInTime = List.of(c(1, true, WaitKind.UNBOUNDED, null), sleeping(2, false, 1_000L, true));
        assertThat(ThreadPlanner.undeliverable(ThreadChoice.AUTO, oneWakesInTime, oneWakesInTime, 10_000)).isFalse();
        var relativeBound = List.of(c(1, true, WaitKind.UNBOUNDED, null), sleeping(2, false, 60_000L, false));
        assertThat(ThreadPlanner.undeliverable(ThreadChoice.AUTO, relativeBound, relativeBound, 10_000))
                .as("a relative timeout is only an upper bound: it may end sooner").isFalse();
        var unknown = List.of(c(1, true, WaitKind.UNBOUNDED, null), c(2, false, WaitKind.UNKNOWN, null));
        assertThat(ThreadPlanner.undeliverable(ThreadChoice.AUTO, unknown, unknown, 10_000)).isFalse();
        var mainBlockedWorkerRuns = List.of(c(1, true, WaitKind.UNBOUNDED, null), c(2, false, WaitKind.RUNNING, 0L));
        assertThat(ThreadPlanner.undeliverable(ThreadChoice.MAIN, mainBlockedWorkerRuns.subList(0, 1),
                mainBlockedWorkerRuns, 10_000)).as("main was chosen: only it counts").isTrue();
        assertThat(ThreadPlanner.undeliverable(ThreadChoice.AUTO, mainBlockedWorkerRuns, mainBlockedWorkerRuns, 10_000))
                .isFalse();
    }

    @Test
    void additionsArmThreadsThatWokeUp() {
        var now = List.of(c(1, true, WaitKind.UNBOUNDED, null), c(2, false, WaitKind.RUNNING, 0L));
        assertThat(tids(ThreadPlanner.additions(InjectionMode.THREAD, now, List.of(1L)))).containsExactly(2L);
        assertThat(tids(ThreadPlanner.additions(InjectionMode.THREAD, now, List.of(1L, 2L)))).isEmpty();
    }

    @Test
    void explicitChoicesAreRefusedWhenImpossible() {
        var noMain = List.of(c(2, false, WaitKind.RUNNING, 0L));
        assertThatThrownBy(() -> ThreadPlanner.plan(7, ThreadChoice.MAIN, InjectionMode.THREAD, noMain))
                .isInstanceOfSatisfying(ThawException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NO_MAIN_THREAD);
                    assertThat(e.fix()).contains("2");
                });
        assertThatThrownBy(() -> ThreadPlanner.plan(7, ThreadChoice.tid(9), InjectionMode.THREAD, noMain))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_SUCH_THREAD));
        assertThat(tids(ThreadPlanner.plan(7, ThreadChoice.tid(2), InjectionMode.THREAD, noMain))).containsExactly(2L);
    }
}
