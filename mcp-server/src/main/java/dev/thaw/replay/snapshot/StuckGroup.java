package dev.thaw.replay.snapshot;

import java.util.List;

/**
 * Threads sharing one stack that the postmortem calls out as stuck.
 *
 * @param count    how many threads share it
 * @param threads  "name #tid" of up to a few of them
 * @param state    the engine's state verdict
 * @param waitsOn  the lock (or futex) waited on, or null
 * @param heldBy   "name #tid" of its owner, when known
 * @param frames   the innermost frames, bounded
 * @param why      the snapshot's reasons for ranking it
 */
public record StuckGroup(int count, List<String> threads, String state, String waitsOn, String heldBy,
                         List<String> frames, List<String> why) {
}
