package dev.thaw.python;

import dev.thaw.snapshot.Frame;

import java.util.List;

/**
 * One Python thread as read from memory.
 *
 * @param tstate    address of its PyThreadState
 * @param tid       native (Linux) thread id
 * @param threadId  {@code threading.get_ident()} (the pthread id)
 * @param holdsGil  it is the GIL's last holder and the GIL is locked
 * @param main      it is the interpreter's {@code threads.main}
 * @param frames    innermost first
 * @param complete  false when the stack kept changing under us and {@code frames} is the best effort
 * @param frameAddresses the {@code _PyInterpreterFrame} address of each frame in {@code frames}
 */
public record PyThreadStack(long tstate, long tid, long threadId, boolean holdsGil, boolean main, List<Frame> frames,
                            boolean complete, List<Long> frameAddresses) {

    public PyThreadStack(long tstate, long tid, long threadId, boolean holdsGil, boolean main, List<Frame> frames,
                         boolean complete) {
        this(tstate, tid, threadId, holdsGil, main, frames, complete, List.of());
    }
}
