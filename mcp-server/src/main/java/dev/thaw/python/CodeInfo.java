package dev.thaw.python;

import dev.thaw.snapshot.Frame;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The immutable parts of a code object that a frame needs, and the frames already decoded from
 * it (a frame is a pure function of the code object and the instruction offset, so threads and
 * snapshots that stop at the same instruction share one {@link Frame}: no line-table decoding, and
 * cheap equality when stacks are grouped).
 *
 * @param qualname   {@code co_qualname}
 * @param filename   {@code co_filename}
 * @param firstLine  {@code co_firstlineno}
 * @param lineTable  {@code co_linetable}
 * @param codeUnits  the length of the bytecode in code units ({@code Py_SIZE(code)}), to validate
 *                   instruction pointers
 */
record CodeInfo(String qualname, String filename, int firstLine, byte[] lineTable, long codeUnits,
                ConcurrentHashMap<Integer, Frame> frames) {

    /** Distinct instruction offsets remembered per code object; beyond, frames are decoded each time. */
    private static final int MAX_FRAMES = 256;

    CodeInfo(String qualname, String filename, int firstLine, byte[] lineTable, long codeUnits) {
        this(qualname, filename, firstLine, lineTable, codeUnits, new ConcurrentHashMap<>());
    }

    /** The line of the instruction at {@code addrq}, or null when it has none. */
    Integer lineAt(long addrq) {
        int line = LineTable.lineFor(lineTable, firstLine, (int) addrq);
        return line == LineTable.NO_LINE ? null : line;
    }

    /** The frame of the instruction at {@code addrq} (in code units, already validated against {@link #codeUnits}). */
    Frame frameAt(long addrq) {
        Integer key = (int) addrq;
        Frame f = frames.get(key);
        if (f == null) {
            f = new Frame(qualname, filename, lineAt(addrq));
            if (frames.size() < MAX_FRAMES) {
                frames.putIfAbsent(key, f);
            }
        }
        return f;
    }
}
