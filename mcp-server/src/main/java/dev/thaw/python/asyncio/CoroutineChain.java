package dev.thaw.python.asyncio;

import dev.thaw.python.PythonMemory;
import dev.thaw.snapshot.Frame;

import java.util.List;

/**
 * A task's coroutine stack: from the task's coroutine, each coroutine suspended in
 * {@code await} (state SUSPENDED_YIELD_FROM) keeps the awaited object on its value stack, and when
 * that object is a coroutine of the same type the chain goes on into it. The coroutine's frame lives
 * inside the coroutine object ({@code gi_iframe}).
 *
 * <p>3.14 → 3.15 changed both the states and the slot: 3.14 numbers the states from -3
 * (CREATED, SUSPENDED, SUSPENDED_YIELD_FROM = -1, EXECUTING = 0, COMPLETED, CLEARED = 4) and keeps
 * the awaited object at {@code stackpointer[-1]}; 3.15 numbers them from 0 (SUSPENDED_YIELD_FROM = 2,
 * EXECUTING = 4, CLEARED = 5) and keeps it at {@code stackpointer[-2]}, {@code [-1]} being a NULL
 * stack reference.
 */
final class CoroutineChain {

    private static final long TAG_MASK = ~3L;
    private static final int MAX_DEPTH = 1024;

    /** The chain, innermost first, and the type of the non-coroutine the innermost one awaits (or null). */
    record Result(List<Frame> frames, String awaits) {
    }

    private final PythonMemory py;
    private final long giIframe;
    private final long giFrameState;
    private final long stackpointer;
    private final int yieldFrom;
    private final int cleared;
    private final int slot;

    CoroutineChain(PythonMemory py) {
        this.py = py;
        this.giIframe = py.offsets().gen().giIframe();
        this.giFrameState = py.offsets().gen().giFrameState();
        boolean v315 = py.minor() >= 15;
        this.stackpointer = py.offsets().deep().stackpointer();
        this.yieldFrom = v315 ? 2 : -1;
        this.cleared = v315 ? 5 : 4;
        this.slot = v315 ? 2 : 1;
    }

    Result walk(long coro) {
        java.util.ArrayList<Frame> outerFirst = new java.util.ArrayList<>();
        String awaits = null;
        long type = py.readPointer(coro + 8);
        long c = coro;
        for (int depth = 0; c != 0; depth++) {
            if (depth >= MAX_DEPTH) {
                throw new PythonMemory.Torn("coroutine chain too deep");
            }
            int state = py.read(c + giFrameState, 1).get(0);
            if (state == cleared) {
                break;
            }
            long frame = c + giIframe;
            Frame f = py.frame(frame);
            if (f != null) {
                outerFirst.add(f);
            }
            if (state != yieldFrom) {
                break;
            }
            long sp = py.readPointer(frame + stackpointer) & TAG_MASK;
            long awaited = sp == 0 ? 0 : py.readPointer(sp - 8L * slot) & TAG_MASK;
            if (awaited == 0) {
                break;
            }
            if (py.readPointer(awaited + 8) != type) {
                awaits = py.typeNameOf(awaited);
                break;
            }
            c = awaited;
        }
        java.util.Collections.reverse(outerFirst);
        return new Result(List.copyOf(outerFirst), awaits);
    }
}
