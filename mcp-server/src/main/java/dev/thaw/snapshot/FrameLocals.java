package dev.thaw.snapshot;

import java.util.List;

/**
 * The locals of one frame of one thread.
 *
 * @param frame     the frame's index in the thread's stack, 0 = innermost
 * @param function  the frame's function, as in the stack
 * @param locals    in the code object's order (arguments first)
 * @param truncated more variables exist than were read
 * @param note      why the values could not be read in full (the frame changed while read); else null
 */
public record FrameLocals(int frame, String function, List<LocalValue> locals, boolean truncated, String note) {
}
