package dev.thaw.python;

import dev.thaw.proc.MemoryUnreadableException;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.FrameLocals;
import dev.thaw.snapshot.LocalValue;

import java.util.ArrayList;
import java.util.List;

/**
 * The locals and arguments of a thread's innermost frames, read from each frame's localsplus:
 * names from the code object, values through their stack references (cells dereferenced), each
 * with its type and a bounded rendering ({@link PyObjects#render}). Bounded: {@link #MAX_FRAMES}
 * frames per thread, {@link #MAX_VARS} variables per frame, {@link #MAX_CHARS} characters per value.
 * A frame that changed while read (its code or instruction moved) is marked, not dropped.
 */
final class LocalsReader {

    static final int MAX_FRAMES = 16;
    static final int MAX_VARS = 32;
    static final int MAX_CHARS = 80;
    /** PyCellObject.ob_ref. */
    private static final int CELL_REF = 16;

    private final PythonStackReader reader;
    private final PyObjects o;

    LocalsReader(PythonStackReader reader) {
        this.reader = reader;
        this.o = reader.objects();
    }

    List<FrameLocals> read(List<Frame> frames, List<Long> addresses, int maxFrames) {
        List<FrameLocals> out = new ArrayList<>();
        int n = Math.min(Math.min(maxFrames, MAX_FRAMES), addresses.size());
        for (int i = 0; i < n; i++) {
            String function = frames.get(i).function();
            try {
                out.add(frame(i, function, frames.get(i), FrameContents.read(reader, addresses.get(i))));
            } catch (TornReadException | MemoryUnreadableException e) {
                out.add(new FrameLocals(i, function, List.of(), false,
                        "the frame changed while thaw read it (the thread is running)"));
            }
        }
        return out;
    }

    private FrameLocals frame(int index, String function, Frame walked, FrameContents f) {
        LocalNames names = f.names();
        List<LocalValue> values = new ArrayList<>();
        boolean truncated = false;
        for (int j = 0; j < f.slots().length; j++) {
            String kind = names.kind(j);
            if (kind == null) {
                continue;
            }
            if (values.size() == MAX_VARS) {
                truncated = true;
                break;
            }
            values.add(value(names.names()[j], kind, f.slots()[j]));
        }
        truncated |= f.slots().length < names.size();
        // still where the stack walk saw it (same code, same line): the values belong to that frame
        String note = walked.equals(reader.frameAt(f.code(), f.instrPtr())) ? null
                : "the frame moved on since its stack was read: values may belong to a later moment";
        return new FrameLocals(index, function, values, truncated, note);
    }

    private LocalValue value(String name, String kind, long ref) {
        if (FrameContents.isTaggedInt(ref)) {
            return new LocalValue(name, kind, "int", null, Long.toString(ref >> 2));
        }
        long obj = FrameContents.pointer(ref);
        if (obj == 0) {
            return new LocalValue(name, kind, null, null, "<unset>");
        }
        try {
            // a captured variable (cell or free, argument or not) holds its cell; show what the cell holds
            if ("cell".equals(o.typeNameOf(obj))) {
                obj = o.word(obj, CELL_REF);
                if (obj == 0) {
                    return new LocalValue(name, kind, null, null, "<unset>");
                }
            }
            return new LocalValue(name, kind, o.typeNameOf(obj), WaitReader.hex(obj), o.render(obj, MAX_CHARS));
        } catch (TornReadException | MemoryUnreadableException e) {
            return new LocalValue(name, kind, null, WaitReader.hex(obj), "<unreadable: changed while read>");
        }
    }
}
