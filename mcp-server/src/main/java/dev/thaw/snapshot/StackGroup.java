package dev.thaw.snapshot;

import java.util.List;

/**
 * Threads that share one stack (and the same state), shown once.
 *
 * @param rank          1 for the most suspicious group
 * @param count         how many threads
 * @param tids          their native thread ids
 * @param frames        the shared stack, innermost first, cut to {@code max_frames}
 * @param framesOmitted how many frames were cut from the middle of the stack (0 if none)
 * @param why           why the group ranks where it does, e.g. "same stack in all 3 samples"
 * @param threads       each member thread's state
 * @param activity      what the group is doing, judged by the findings layer: {@code running},
 *                      {@code waiting}, {@code idle} (a healthy wait: a selector with nothing ready, an
 *                      empty work queue, a timed sleep loop, runtime housekeeping) or {@code stuck};
 *                      null until judged
 */
public record StackGroup(int rank, int count, List<Long> tids, List<Frame> frames, int framesOmitted,
                         List<String> why, List<ThreadSnapshot> threads, String activity) {

    public StackGroup(int rank, int count, List<Long> tids, List<Frame> frames, int framesOmitted,
                      List<String> why, List<ThreadSnapshot> threads) {
        this(rank, count, tids, frames, framesOmitted, why, threads, null);
    }

    public StackGroup withActivity(String a) {
        return new StackGroup(rank, count, tids, frames, framesOmitted, why, threads, a);
    }
}
