package dev.thaw.proc;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The permission diagnosis on every combination of facts (the kernel's order of checks). */
class PtraceAccessTest {

    static final List<Integer> ROOT = List.of(0, 0, 0, 0);
    static final List<Integer> ALICE = List.of(1000, 1000, 1000, 1000);
    static final List<Integer> NOBODY = List.of(65534, 65534, 65534, 65534);

    static PtraceFacts facts(Integer yama, boolean cap, List<Integer> us, List<Integer> target, Integer owner,
                             boolean ancestor) {
        return new PtraceFacts(yama, cap, us, us, target, target, owner, ancestor, "Operation not permitted");
    }

    @Test
    void yamaThreeBeatsEverything() {
        PtraceVerdict v = PtraceAccess.decide(7, facts(3, true, ROOT, ROOT, 0, true));
        assertThat(v.allowed()).isFalse();
        assertThat(v.cause()).isEqualTo("yama_scope_3");
        assertThat(v.reason()).contains("ptrace_scope is 3").contains("even for root");
        assertThat(v.fix()).contains("reboot");
    }

    @Test
    void otherUserWithoutCapability() {
        PtraceVerdict v = PtraceAccess.decide(7, facts(null, false, ALICE, NOBODY, 65534, false));
        assertThat(v.cause()).isEqualTo("other_user");
        assertThat(v.reason()).contains("uid 65534").contains("uid 1000").contains("CAP_SYS_PTRACE");
        assertThat(v.fix()).contains("target's user").contains("CAP_SYS_PTRACE");
    }

    @Test
    void rootWithoutCapabilityReadingNobody() {
        PtraceVerdict v = PtraceAccess.decide(7, facts(null, false, ROOT, NOBODY, 65534, false));
        assertThat(v.cause()).isEqualTo("other_user");
    }

    @Test
    void setuidTargetIsAnotherUserEvenIfRealUidMatches() {
        PtraceFacts f = new PtraceFacts(null, false, ALICE, ALICE, List.of(1000, 0, 0, 0), ALICE, 0, false, "x");
        PtraceVerdict v = PtraceAccess.decide(7, f);
        assertThat(v.cause()).isEqualTo("other_user");
        assertThat(v.reason()).contains("real/effective/saved 1000/0/0");
    }

    @Test
    void nonDumpableVisibleThroughProcOwnership() {
        PtraceVerdict v = PtraceAccess.decide(7, facts(0, false, ALICE, ALICE, 0, false));
        assertThat(v.cause()).isEqualTo("non_dumpable");
        assertThat(v.reason()).contains("PR_SET_DUMPABLE").doesNotContain("most likely");
    }

    @Test
    void nonDumpableInferredWhenEverythingElseAllows() {
        PtraceVerdict v = PtraceAccess.decide(7, facts(null, false, ROOT, ROOT, 0, false));
        assertThat(v.cause()).isEqualTo("non_dumpable");
        assertThat(v.reason()).contains("most likely");
    }

    @Test
    void yamaTwoNeedsTheCapability() {
        PtraceVerdict v = PtraceAccess.decide(7, facts(2, false, ALICE, ALICE, 1000, true));
        assertThat(v.cause()).isEqualTo("yama_scope_2");
        assertThat(v.fix()).contains("CAP_SYS_PTRACE");
    }

    @Test
    void yamaOneNeedsAnAncestor() {
        PtraceVerdict v = PtraceAccess.decide(7, facts(1, false, ALICE, ALICE, 1000, false));
        assertThat(v.cause()).isEqualTo("yama_not_ancestor");
        assertThat(v.fix()).contains("ptrace_scope=0");
        PtraceVerdict child = PtraceAccess.decide(7, new PtraceFacts(1, false, ALICE, ALICE, ALICE, ALICE, 1000,
                true, null));
        assertThat(child.allowed()).isTrue();
    }

    @Test
    void capabilityOverridesUserAndYamaOne() {
        PtraceFacts f = new PtraceFacts(1, true, ROOT, ROOT, NOBODY, NOBODY, 65534, false, null);
        assertThat(PtraceAccess.decide(7, f).allowed()).isTrue();
    }

    @Test
    void unexplainedRefusalBlamesAnLsm() {
        PtraceVerdict v = PtraceAccess.decide(7, facts(null, true, ROOT, NOBODY, 65534, false));
        assertThat(v.cause()).isEqualTo("unknown");
        assertThat(v.reason()).contains("AppArmor");
    }

    @Test
    void liveCheckOnOurOwnChild() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(PtraceAccess.check((int) p.pid()).allowed()).isTrue();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }
}
