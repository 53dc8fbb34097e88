package dev.thaw.python.greenlet;

import dev.thaw.python.PythonMemory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where a greenlet build keeps the fields thaw reads, inside the C++ {@code greenlet::Greenlet}
 * ("pimpl"). Offsets are never trusted from one table: each candidate layout is checked against the
 * live greenlets of the process, by type, and the first that every greenlet agrees with is used.
 *
 * <p>Fixed by the ABI and greenlet's declaration order: the vptr at 0, the {@code _self} back-pointer
 * to the Python object at 8, {@code StackState} ({@code _stack_start}, {@code stack_stop}) at 56/64.
 * {@code PythonState} then holds {@code _top_frame} (a {@code PyFrameObject*}, non-null while the
 * greenlet is suspended with Python frames) and later {@code current_frame} (the suspended
 * {@code _PyInterpreterFrame*}) followed by {@code datastack_chunk}. Greenlet 3.3.2 has them at 104,
 * 144, 152; 3.5.3 inserts a word before {@code current_frame} (152, 160). The fields that follow
 * {@code PythonState} move with {@code current_frame}: a user greenlet's {@code _main_greenlet} at
 * +32 and {@code _parent} at +48, a main greenlet's {@code _thread_state} at +40.
 *
 * <p>The checks: a suspended greenlet's {@code _top_frame} is an object of type {@code frame}
 * whose {@code f_frame} (PyFrameObject+24 in 3.14 and 3.15) equals {@code current_frame}; a main
 * greenlet's thread state starts with a pointer back to that main greenlet; a user greenlet's
 * {@code _main_greenlet} and {@code _parent} are null or greenlets found in the scan.
 *
 * @param label how the layout was obtained, for notes
 */
record GreenletLayout(String label, int topFrame, int currentFrame, int datastackChunk, int userMain, int parent,
                      int mainThreadState) {

    static final int SELF = 8;
    static final int STACK_START = 56;
    static final int STACK_STOP = 64;
    /** PyFrameObject.f_frame in 3.14 and 3.15 (after ob_refcnt, ob_type, f_back). */
    static final int F_FRAME = 24;
    /** Bytes of the C++ object read per greenlet: covers every field of every layout tried. */
    static final int PIMPL_BYTES = 256;

    static GreenletLayout withCurrentAt(String label, int topFrame, int currentFrame) {
        return new GreenletLayout(label, topFrame, currentFrame, currentFrame + 8, currentFrame + 32, currentFrame + 48,
                currentFrame + 40);
    }

    static final List<GreenletLayout> KNOWN = List.of(
            withCurrentAt("greenlet 3.x layout (3.3.2)", 104, 144),
            withCurrentAt("greenlet 3.5.3+ layout", 104, 152));

    /** One C++ greenlet object as found by the scan. */
    record Raw(long pimpl, long self, boolean main, ByteBuffer bytes) {
        long word(int offset) {
            return bytes.getLong(offset);
        }
    }

    /**
     * The first layout (known ones first, then one discovered from the suspended greenlets) that
     * every greenlet validates against, or null when none does.
     */
    static GreenletLayout choose(PythonMemory py, List<Raw> greenlets) {
        Set<Long> selves = new java.util.HashSet<>();
        Set<Long> mains = new java.util.HashSet<>();
        for (Raw r : greenlets) {
            selves.add(r.self());
            if (r.main()) {
                mains.add(r.self());
            }
        }
        for (GreenletLayout l : KNOWN) {
            if (l.validates(py, greenlets, selves, mains)) {
                return l;
            }
        }
        GreenletLayout found = discover(py, greenlets);
        return found != null && found.validates(py, greenlets, selves, mains) ? found : null;
    }

    /**
     * Every check that applies, over all greenlets; a greenlet that switched while the scan read it
     * can fail one, so up to a tenth may fail (a wrong layout fails nearly all: its words are not
     * frames, thread states or greenlets).
     */
    private boolean validates(PythonMemory py, List<Raw> greenlets, Set<Long> selves, Set<Long> mains) {
        int checks = 0;
        int failed = 0;
        for (Raw r : greenlets) {
            long top = r.word(topFrame);
            if (top != 0) {
                checks++;
                failed += isFrameWith(py, top, r.word(currentFrame)) ? 0 : 1;
            }
            if (r.main()) {
                long ts = r.word(mainThreadState);
                if (ts != 0) { // null once its thread has exited
                    checks++;
                    failed += (ts & 7) != 0 || safeRead(py, ts) != r.self() ? 1 : 0;
                }
            } else {
                long m = r.word(userMain);
                long p = r.word(parent);
                if (m != 0 || p != 0) {
                    checks++;
                    failed += (m != 0 && !mains.contains(m)) || (p != 0 && !selves.contains(p)) ? 1 : 0;
                }
            }
        }
        return checks > 0 && failed * 10 <= checks;
    }

    private static boolean isFrameWith(PythonMemory py, long frameObject, long currentFrame) {
        try {
            return (frameObject & 7) == 0 && "frame".equals(py.typeNameOf(frameObject))
                    && py.readPointer(frameObject + F_FRAME) == currentFrame && currentFrame != 0;
        } catch (PythonMemory.Torn e) {
            return false;
        }
    }

    private static long safeRead(PythonMemory py, long address) {
        try {
            return py.readPointer(address);
        } catch (PythonMemory.Torn e) {
            return 0;
        }
    }

    /**
     * Finds {@code _top_frame} and {@code current_frame} by type in a suspended greenlet: the word
     * that points to a {@code frame} object, and the later word equal to that frame's
     * {@code f_frame}.
     */
    private static GreenletLayout discover(PythonMemory py, List<Raw> greenlets) {
        for (Raw r : greenlets) {
            for (int top = STACK_STOP + 16; top <= 160; top += 8) {
                long f = r.word(top);
                if (f == 0 || (f & 7) != 0) {
                    continue;
                }
                String type;
                try {
                    type = py.typeNameOf(f);
                } catch (PythonMemory.Torn e) {
                    continue;
                }
                if (!"frame".equals(type)) {
                    continue;
                }
                long iframe = safeRead(py, f + F_FRAME);
                for (int cur = top + 8; cur + 56 <= PIMPL_BYTES && cur <= top + 96; cur += 8) {
                    if (iframe != 0 && r.word(cur) == iframe) {
                        return withCurrentAt("layout discovered in this process", top, cur);
                    }
                }
            }
        }
        return null;
    }
}
