package dev.thaw.python;

import dev.thaw.proc.MemoryUnreadableException;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.WaitedObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a thread blocked in C waits on, named as Python objects.
 *
 * <p>The innermost Python frame is inside a call: its evaluation stack, saved up to
 * {@code stackpointer} before the call left the interpreter, ends with {@code callable,
 * self_or_null, arg1..argN} ({@code CALL N}; {@code CALL_KW N} adds the keyword-name tuple on top).
 * The instruction's argument gives N, so the callable's slot is found by position and checked by
 * type. The object waited on is {@code self}, or for a C method bound beforehand
 * ({@code builtin_function_or_method}) its {@code m_self}, or for a bound Python method its
 * {@code __self__}; a module function ({@code select.select}, {@code os.waitpid}) is named as a
 * call. Then the {@code self} of each enclosing method frame, innermost first: the Condition
 * whose {@code wait} is acquiring its waiter lock, the Event around it, the Queue, the Thread
 * being joined. Two threads waiting on the same object show the same address.
 */
final class WaitReader {

    /** Enclosing frames whose {@code self} is reported. */
    static final int SELF_FRAMES = 4;

    private static final Set<String> CALLABLES = Set.of("method_descriptor", "builtin_function_or_method", "function",
            "method", "wrapper_descriptor", "method-wrapper", "classmethod_descriptor", "type");

    /** PyCFunctionObject: m_ml at 16, m_self at 24, m_module at 32; PyMethodObject: im_self at 24; descriptors: d_name at 24. */
    private static final int M_ML = 16;
    private static final int M_SELF = 24;
    private static final int IM_SELF = 24;
    private static final int D_TYPE = 16;
    private static final int D_NAME = 24;
    /** lockobject: PyMutex at 16; rlockobject: PyMutex at 16, owner ident at 24, recursion level at 32. */
    private static final int LOCK_MUTEX = 16;
    private static final int RLOCK_OWNER = 24;
    private static final int RLOCK_LEVEL = 32;

    private final PythonStackReader reader;
    private final PyObjects o;
    /** thread ident → native tid and Python name, for lock owners. */
    private final Map<Long, Long> identToTid;
    private final Map<Long, String> identToName;

    WaitReader(PythonStackReader reader, Map<Long, Long> identToTid, Map<Long, String> identToName) {
        this.reader = reader;
        this.o = reader.objects();
        this.identToTid = identToTid;
        this.identToName = identToName;
    }

    /**
     * Innermost first; empty when nothing was found. Throws on a torn read (the caller notes it).
     *
     * @param ownThread the thread's own Thread object (0 if unknown): the {@code self} of its
     *                  {@code run} and bootstrap frames, which is not something it waits on
     */
    List<WaitedObject> read(List<Frame> frames, List<Long> addresses, long ownThread) {
        List<WaitedObject> out = new ArrayList<>();
        if (addresses.isEmpty()) {
            return out;
        }
        Set<Long> seen = new HashSet<>();
        seen.add(ownThread);
        FrameContents top = FrameContents.read(reader, addresses.get(0));
        // The frame's header, slots and stack are read together (one read when they share a block, the
        // usual case): if it still stands where the stack walk saw it (same code, same line), they
        // belong to a thread still in that call.
        if (!frames.get(0).equals(reader.frameAt(top.code(), top.instrPtr()))) {
            throw new TornReadException("innermost frame moved");
        }
        WaitedObject called = calledObject(top, frames.get(0).function());
        if (called != null) {
            out.add(called);
            seen.add(Long.parseUnsignedLong(called.address().substring(2), 16));
        }
        for (int i = 0; i < Math.min(SELF_FRAMES, addresses.size()); i++) {
            FrameContents f = i == 0 ? top : FrameContents.read(reader, addresses.get(i));
            if (f.names().argcount() == 0 || !"self".equals(f.names().names()[0])) {
                continue;
            }
            long self = f.slotObject(0);
            if (self != 0 && seen.add(self)) {
                out.add(object(self, "self", frames.get(i).function()));
            }
        }
        return out;
    }

    /** The object (or module function) the innermost frame's current call is made on; null when not a call. */
    private WaitedObject calledObject(FrameContents f, String function) {
        long[] st = f.stack();
        int n = st.length;
        if (n < 2) {
            return null;
        }
        int oparg = f.oparg(reader);
        // CALL N: [callable, self_or_null, N args]; CALL_KW N: the same plus the kwnames tuple.
        for (int extra = 0; extra <= 1; extra++) {
            int p = n - 2 - oparg - extra;
            if (p < 0) {
                continue;
            }
            long callable = FrameContents.pointer(st[p]);
            if (callable == 0) {
                continue;
            }
            String ctype = o.typeNameOf(callable);
            if (!CALLABLES.contains(ctype)) {
                continue;
            }
            long self = FrameContents.pointer(st[p + 1]);
            String callee = callee(callable, ctype);
            String via = function + " → " + callee;
            if (self != 0) {
                return object(self, "receiver", via);
            }
            if (ctype.equals("builtin_function_or_method")) {
                long mself = o.word(callable, M_SELF);
                if (mself != 0 && !"module".equals(o.typeNameOf(mself))) {
                    return object(mself, "receiver", via);
                }
            } else if (ctype.equals("method")) {
                long imself = o.word(callable, IM_SELF);
                if (imself != 0) {
                    return object(imself, "receiver", via);
                }
            }
            return new WaitedObject(ctype, hex(callable), "call", via, null, null, null, null);
        }
        return null;
    }

    /** Callables are shared by the threads that wait the same way: each is named once per snapshot. */
    private final Map<Long, String> callees = new java.util.HashMap<>();

    /** The called function's name: {@code acquire}, {@code select.select}, {@code SimpleQueue.get}. */
    private String callee(long callable, String ctype) {
        return callees.computeIfAbsent(callable, c -> readCallee(c, ctype));
    }

    private String readCallee(long callable, String ctype) {
        try {
            switch (ctype) {
                case "builtin_function_or_method": {
                    String name = o.methodDefName(o.word(callable, M_ML));
                    long mself = o.word(callable, M_SELF);
                    if (mself != 0 && "module".equals(o.typeNameOf(mself))) {
                        Long modName = o.moduleGlobal(mself, "__name__");
                        if (modName != null && o.isStr(modName)) {
                            return o.str(modName, 64) + "." + name;
                        }
                    }
                    return name;
                }
                case "method_descriptor":
                case "classmethod_descriptor":
                case "wrapper_descriptor": {
                    String type = o.typeName(o.word(callable, D_TYPE));
                    return type + "." + o.str(o.word(callable, D_NAME), 64);
                }
                default:
                    return ctype;
            }
        } catch (TornReadException | MemoryUnreadableException e) {
            return ctype;
        }
    }

    private WaitedObject object(long obj, String role, String function) {
        String type = o.typeNameOf(obj);
        Boolean held = null;
        Long ownerTid = null;
        String ownerName = null;
        Long count = null;
        if (type.equals("_thread.lock")) {
            held = (o.read(obj + LOCK_MUTEX, 1).get() & 1) != 0;
        } else if (type.equals("_thread.RLock")) {
            held = (o.read(obj + LOCK_MUTEX, 1).get() & 1) != 0;
            long owner = o.word(obj, RLOCK_OWNER);
            if (held && owner != 0) {
                ownerTid = identToTid.get(owner);
                ownerName = identToName.get(owner);
                count = o.word(obj, RLOCK_LEVEL) + 1;
            }
        }
        return new WaitedObject(type, hex(obj), role, function, held, ownerTid, ownerName, count);
    }

    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
