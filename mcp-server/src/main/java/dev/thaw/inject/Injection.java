package dev.thaw.inject;

import java.util.ArrayList;
import java.util.List;

/**
 * The mutable state of one injection inside {@link InjectionService}. Every field is guarded by the
 * instance's monitor; the service is the only writer.
 *
 * <p>Its state moves only through {@link #moveTo}, along the edges of {@link InjectionState}'s
 * diagram; anything else is a bug and is refused. What used to be flags beside the state follows
 * from it: {@link #pickedUp()} (the target took the run-once guard: the state went through
 * delivered), {@link #ended()} (nothing more will happen) and {@link #lingering()} (timed out while
 * picked up: the {@link InjectionReaper} follows it). The one end that is not a move is
 * {@link #abandon()}: the server shut down while the script ran.
 */
final class Injection {

    final String id;
    final InjectionRequest request;
    final TargetIdentity target;
    final RuntimeInjector injector;
    final QueuedInjection record;
    final long startNanos;

    private volatile InjectionState state = InjectionState.QUEUED;
    /** Set by {@link #moveTo} on the way through delivered; read outside the monitor by retention. */
    private volatile boolean pickedUp;
    /** Set by {@link #moveTo} (a final state, or a timed_out that was never picked up) or by {@link #abandon}. */
    private volatile boolean ended;

    /** This injection's turn at its process ({@link TargetLocks}), held from before arming until pickup or its end. */
    TargetLocks.Turn turn;
    InjectionDir dir;
    Delivery delivery;
    List<Long> armedTids = List.of();
    TargetStatus status;
    /** The final output, once collected (the directory is removed then). */
    volatile byte[] output;
    PendingReport pending;
    /** The output to announce once the final state change is out. */
    InjectionOutput finalOutput;
    long armedNanos;
    long aliveCheckedNanos;
    byte[] lastStatusBytes;
    long observedNanos;
    final List<String> notes = new ArrayList<>();

    Injection(String id, InjectionRequest request, TargetIdentity target, RuntimeInjector injector,
              QueuedInjection record, long startNanos) {
        this.id = id;
        this.request = request;
        this.target = target;
        this.injector = injector;
        this.record = record;
        this.startNanos = startNanos;
    }

    InjectionState state() {
        return state;
    }

    /** The target took the run-once guard: the payload started (or thaw saw its status). */
    boolean pickedUp() {
        return pickedUp;
    }

    /** Nothing more will happen: the result is final, or thaw stopped following the script. */
    boolean ended() {
        return ended;
    }

    /** Timed out while its script runs: a late end is still recorded (the reaper looks). */
    boolean lingering() {
        return state == InjectionState.TIMED_OUT && !ended;
    }

    /**
     * Moves along an edge of the diagram in {@link InjectionState}.
     *
     * @return the change, for the log and the listener
     * @throws IllegalStateException for a move the diagram does not have, or any move once ended
     */
    StatusChange moveTo(InjectionState next, String detail) {
        InjectionState from = state;
        if (ended || !from.canMoveTo(next)) {
            throw new IllegalStateException("injection " + id + ": no move from " + from.wire()
                    + (ended ? " (ended)" : "") + " to " + next.wire());
        }
        state = next;
        if (next == InjectionState.DELIVERED) {
            pickedUp = true;
        }
        if (next.isFinal() || (next == InjectionState.TIMED_OUT && !pickedUp)) {
            ended = true;
        }
        return new StatusChange(id, from, next, IsoInstant.now(), detail);
    }

    /** The server shut down while the script ran: thaw follows it no more, its state stays as last seen. */
    void abandon() {
        ended = true;
    }

    long outputSize() {
        byte[] o = output;
        return o == null ? 0 : o.length;
    }
}
