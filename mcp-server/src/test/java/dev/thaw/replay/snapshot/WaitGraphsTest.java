package dev.thaw.replay.snapshot;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WaitGraphsTest {

    private static WaitGraphs.ThreadFact t(String tid, String waits, String owner, String... held) {
        return new WaitGraphs.ThreadFact(tid, "T" + tid, waits, owner, List.of(held));
    }

    @Test
    void threeThreadCycleIsFoundOnceAndMarked() {
        WaitGraph g = WaitGraphs.of(List.of(t("1", "A", null, "C"), t("2", "B", null, "A"), t("3", "C", null, "B"),
                t("4", "A", null)));
        assertThat(g.cycles()).hasSize(1);
        assertThat(g.cycles().get(0)).hasSize(6);
        assertThat(g.nodes().stream().filter(WaitGraph.Node::inCycle)).hasSize(6);
        assertThat(g.node("t:4").inCycle()).isFalse();
        // t4 waits for A (held by t2): one extra waits edge, the held-by edge is shared
        assertThat(g.edges()).hasSize(7);
        assertThat(g.edges().stream().filter(e -> !e.inCycle())).singleElement()
                .satisfies(e -> assertThat(e.from()).isEqualTo("t:4"));
    }

    @Test
    void ownershipFromTheWaiterIsEnough() {
        WaitGraph g = WaitGraphs.of(List.of(t("1", "L", "2"), t("2", null, null)));
        assertThat(g.cycles()).isEmpty();
        assertThat(g.edges()).extracting(WaitGraph.Edge::waits).containsExactly(true, false);
    }

    @Test
    void unknownOwnershipGivesNoGraph() {
        assertThat(WaitGraphs.of(List.of(t("1", "futex@0x1", null), t("2", "futex@0x2", null))).isEmpty()).isTrue();
    }

    @Test
    void aHugeGraphIsCappedKeepingTheCycle() {
        List<WaitGraphs.ThreadFact> facts = new ArrayList<>();
        facts.add(t("a", "X", null, "Y"));
        facts.add(t("b", "Y", null, "X"));
        facts.add(t("owner", null, null, "BIG"));
        for (int i = 0; i < 200; i++) {
            facts.add(t("w" + i, "BIG", null));
        }
        WaitGraph g = WaitGraphs.of(facts);
        assertThat(g.cycles()).hasSize(1);
        assertThat(g.nodes().stream().filter(n -> n.kind() == WaitGraph.Kind.THREAD).count())
                .isLessThanOrEqualTo(WaitGraphs.MAX_THREADS + 1);
        assertThat(g.omittedThreads()).isGreaterThan(150);
        assertThat(g.node("t:a").inCycle()).isTrue();
    }
}
