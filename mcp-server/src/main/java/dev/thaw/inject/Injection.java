package dev.thaw.inject;

import java.util.ArrayList;
import java.util.List;

/**
 * The mutable state of one injection inside {@link InjectionService}. Every field is guarded by the
 * instance's monitor; the service is the only writer.
 */
final class Injection {

    final String id;
    final InjectionRequest request;
    final TargetIdentity target;
    final RuntimeInjector injector;
    final QueuedInjection record;
    final long startNanos;

    InjectionState state = InjectionState.QUEUED;
    InjectionDir dir;
    Delivery delivery;
    List<Long> armedTids = List.of();
    TargetStatus status;
    /** The target took the run-once guard: the payload started (or thaw saw its status). */
    boolean claimed;
    /** Nothing more will happen: the result is final and the directory is gone. */
    boolean done;
    boolean lockHeld;
    /** A timed-out script still running: the reaper watches it. */
    boolean lingering;
    /** The final output, once collected (the directory is removed then). */
    byte[] output;
    PendingReport pending;
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

    long outputSize() {
        return output == null ? 0 : output.length;
    }
}
