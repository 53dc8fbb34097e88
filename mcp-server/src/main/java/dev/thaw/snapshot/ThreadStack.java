package dev.thaw.snapshot;

import java.util.List;

/** One thread in one sample, as an engine reads it: its state and all its frames, innermost first. */
public record ThreadStack(ThreadSnapshot thread, List<Frame> frames) {
}
