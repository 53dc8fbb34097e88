package dev.thaw.inject;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.thaw.inject.InjectionState.CANCELLED;
import static dev.thaw.inject.InjectionState.COMPLETED;
import static dev.thaw.inject.InjectionState.DELIVERED;
import static dev.thaw.inject.InjectionState.FAILED;
import static dev.thaw.inject.InjectionState.QUEUED;
import static dev.thaw.inject.InjectionState.RUNNING;
import static dev.thaw.inject.InjectionState.TARGET_EXITED;
import static dev.thaw.inject.InjectionState.TIMED_OUT;
import static dev.thaw.inject.InjectionState.UNDELIVERABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The injection state machine: the edges of the diagram in InjectionState, and what follows from a path. */
class InjectionTransitionsTest {

    /** The diagram in {@link InjectionState}'s javadoc, edge by edge. */
    private static final Map<InjectionState, Set<InjectionState>> DIAGRAM = Map.of(
            QUEUED, EnumSet.of(DELIVERED, TIMED_OUT, FAILED, CANCELLED, UNDELIVERABLE, TARGET_EXITED),
            DELIVERED, EnumSet.of(RUNNING, FAILED, TIMED_OUT, TARGET_EXITED),
            RUNNING, EnumSet.of(COMPLETED, FAILED, TIMED_OUT, TARGET_EXITED),
            TIMED_OUT, EnumSet.of(COMPLETED, FAILED, TARGET_EXITED));

    private static Injection fresh() {
        return new Injection("inj1-test", null, null, null, null, 0);
    }

    @Test
    void theTableHasExactlyTheEdgesOfTheDiagram() {
        for (InjectionState from : InjectionState.values()) {
            for (InjectionState to : InjectionState.values()) {
                assertThat(from.canMoveTo(to)).as(from.wire() + " -> " + to.wire())
                        .isEqualTo(DIAGRAM.getOrDefault(from, Set.of()).contains(to));
            }
        }
    }

    @Test
    void theHappyPathEndsAtCompletedAndWasPickedUp() {
        Injection inj = fresh();
        assertThat(inj.pickedUp()).isFalse();
        StatusChange c = inj.moveTo(DELIVERED, "picked up");
        assertThat(c.from()).isEqualTo(QUEUED);
        assertThat(c.to()).isEqualTo(DELIVERED);
        assertThat(inj.pickedUp()).isTrue();
        inj.moveTo(RUNNING, null);
        assertThat(inj.ended()).isFalse();
        inj.moveTo(COMPLETED, null);
        assertThat(inj.ended()).isTrue();
        assertThat(inj.lingering()).isFalse();
        assertThatThrownBy(() -> inj.moveTo(FAILED, null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTimedOutScriptThatWasPickedUpLingersAndMayStillFinish() {
        Injection inj = fresh();
        inj.moveTo(DELIVERED, null);
        inj.moveTo(TIMED_OUT, null);
        assertThat(inj.lingering()).isTrue();
        assertThat(inj.ended()).isFalse();
        inj.moveTo(TARGET_EXITED, null);
        assertThat(inj.ended()).isTrue();
        assertThat(inj.lingering()).isFalse();
    }

    @Test
    void aTimedOutScriptNeverPickedUpWasTakenBackAndNothingFollows() {
        Injection inj = fresh();
        inj.moveTo(TIMED_OUT, null);
        assertThat(inj.ended()).isTrue();
        assertThat(inj.lingering()).isFalse();
        assertThat(inj.pickedUp()).isFalse();
        assertThatThrownBy(() -> inj.moveTo(COMPLETED, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended");
    }

    @Test
    void movesTheDiagramDoesNotHaveAreRefused() {
        Injection inj = fresh();
        assertThatThrownBy(() -> inj.moveTo(RUNNING, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("queued").hasMessageContaining("running");
        assertThat(inj.state()).isEqualTo(QUEUED);
        inj.moveTo(DELIVERED, null);
        assertThatThrownBy(() -> inj.moveTo(UNDELIVERABLE, null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> inj.moveTo(DELIVERED, null)).isInstanceOf(IllegalStateException.class);
        assertThat(inj.state()).isEqualTo(DELIVERED);
    }

    @Test
    void aScriptAbandonedAtShutDownKeepsItsStateAndIsFollowedNoMore() {
        Injection inj = fresh();
        inj.moveTo(DELIVERED, null);
        inj.moveTo(RUNNING, null);
        inj.abandon();
        assertThat(inj.state()).isEqualTo(RUNNING);
        assertThat(inj.ended()).isTrue();
        assertThatThrownBy(() -> inj.moveTo(COMPLETED, null)).isInstanceOf(IllegalStateException.class);
    }
}
