package dev.thaw.python;

import java.nio.ByteBuffer;

/**
 * One interpreter frame's variable part, read from memory: its code object, the values of its
 * localsplus slots (locals, cells, free variables) and its evaluation stack up to the saved
 * {@code stackpointer}. Slots are {@code _PyStackRef}s: the low two bits are tags (bit 0 marks a
 * reference the frame does not own; both bits set mark a tagged small int, not a pointer); a
 * masked 0 is an unset slot (3.15 writes NULL as the tag bit alone).
 *
 * <p>Bounds: the code object names how many slots there are; the stack part is taken only when
 * {@code stackpointer} lies between the slots' end and a small maximum above them, so a torn or
 * stale frame can never make us read beyond it.
 */
record FrameContents(long frame, long code, long instrPtr, LocalNames names, long[] slots, long[] stack) {

    /** Evaluation-stack entries looked at, at most (a call's callable, self and arguments sit on top). */
    static final int MAX_STACK = 64;
    /** Slots read per frame, at most: a function with more locals shows the first ones. */
    static final int MAX_SLOTS = 256;
    static final long TAG_MASK = ~3L;

    static boolean isTaggedInt(long ref) {
        return (ref & 3) == 3;
    }

    static long pointer(long ref) {
        return isTaggedInt(ref) ? 0 : ref & TAG_MASK;
    }

    static FrameContents read(PythonStackReader reader, long frame) {
        DebugOffsets d = reader.offsets();
        // Through the pass's block cache: a thread's frames sit next to each other in its data stack.
        PyObjects o = reader.objects();
        int header = (int) d.deep().localsplus();
        ByteBuffer h = o.read(frame, header);
        int hp = h.position();
        long code = h.getLong(hp + (int) d.frame().executable()) & TAG_MASK;
        long instr = h.getLong(hp + (int) d.frame().instrPtr());
        long sp = h.getLong(hp + (int) d.deep().stackpointer());
        if (code == 0) {
            throw new TornReadException("frame without code");
        }
        LocalNames names = reader.localNames(code);
        int nslots = Math.min(names.size(), MAX_SLOTS);
        long slotsStart = frame + header;
        long stackStart = slotsStart + (long) names.size() * 8;
        int nstack = 0;
        if (sp >= stackStart && sp <= stackStart + MAX_STACK * 8L && (sp & 7) == 0) {
            nstack = (int) ((sp - stackStart) / 8);
        }
        long[] slots = new long[nslots];
        long[] stack = new long[nstack];
        if (nslots > 0) {
            ByteBuffer b = o.read(slotsStart, nslots * 8);
            for (int i = 0; i < nslots; i++) {
                slots[i] = b.getLong(b.position() + i * 8);
            }
        }
        if (nstack > 0) {
            ByteBuffer b = o.read(stackStart, nstack * 8);
            for (int i = 0; i < nstack; i++) {
                stack[i] = b.getLong(b.position() + i * 8);
            }
        }
        return new FrameContents(frame, code, instr, names, slots, stack);
    }

    /** The argument of the instruction at {@code instrPtr} (the second byte of its code unit). */
    int oparg(PythonStackReader reader) {
        ByteBuffer b = reader.objects().read(instrPtr & ~7L, 16);
        return b.get(b.position() + (int) (instrPtr & 7) + 1) & 0xff;
    }

    /** The object in slot {@code i}, or 0 when unset, a tagged int or out of range. */
    long slotObject(int i) {
        return i < slots.length ? pointer(slots[i]) : 0;
    }
}
