package dev.thaw.python.greenlet;

import dev.thaw.proc.MemoryMap;
import dev.thaw.python.PythonMemory;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.Greenlet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every greenlet of a process (greenlet 2.0+ as used by gevent), read from memory while the process
 * runs or is frozen, grouped by the OS thread it belongs to.
 *
 * <ol>
 *   <li>Find the C++ greenlet objects by their exported vtable pointers ({@link VtableScan}) and keep
 *       those whose {@code _self} points to a Python object that points back ({@code PyGreenlet.pimpl}
 *       at +32).</li>
 *   <li>Choose the field layout that every greenlet validates against ({@link GreenletLayout}); when
 *       none does, refuse with the greenlet version and the reason.</li>
 *   <li>Classify: a thread's current greenlet comes from its main greenlet's {@code ThreadState}
 *       ({@code {main_greenlet, current_greenlet, ...}}); a greenlet with a {@code _top_frame} is
 *       suspended and its frames are the chain at {@code current_frame}, which greenlet relinks at
 *       every switch so that it holds only complete Python frames and ends in NULL.</li>
 *   <li>Assign threads: a started greenlet's {@code stack_stop} lies in the C stack of its thread;
 *       a main greenlet belongs where its user greenlets do; an unstarted one where its parent does.</li>
 * </ol>
 *
 * A greenlet that switches while read is read again; if it never settles it is marked incomplete.
 */
public final class GreenletReader {

    private static final int ATTEMPTS = 3;
    private static final int PYGREENLET_PIMPL = 32;

    /** Greenlets per thread (by native tid; the running one first) and facts worth a note. */
    public record Result(Map<Long, List<Greenlet>> byThread, List<String> notes) {
        static Result none() {
            return new Result(Map.of(), List.of());
        }
    }

    private final PythonMemory py;
    /** Per greenlet type: {is a gevent hub, is a gevent Greenlet}. */
    private final Map<Long, boolean[]> kinds = new HashMap<>();

    public GreenletReader(PythonMemory py) {
        this.py = py;
    }

    /** Whether greenlet's C++ extension is mapped (without it no greenlet can exist). */
    public static boolean loaded(List<MemoryMap> maps) {
        return GreenletModule.mapping(maps).isPresent();
    }

    /**
     * @param maps    the process's mappings ({@code /proc/PID/maps})
     * @param mainTid the tid of the process's main thread as the interpreter records it (its own PID
     *                namespace's)
     */
    public Result read(List<MemoryMap> maps, long mainTid) {
        Optional<MemoryMap> so = GreenletModule.mapping(maps);
        if (so.isEmpty()) {
            return Result.none();
        }
        GreenletModule module;
        try {
            module = GreenletModule.of(py.procFs(), py.pid(), so.get());
        } catch (GreenletModule.Unsupported e) {
            return refuse(so.get(), e.getMessage());
        }
        List<String> notes = new ArrayList<>();
        // Another thread's pthread struct sits at the top of its stack mapping; the main thread's is
        // in a TLS block elsewhere (possibly the heap), so it marks nothing to skip.
        List<Long> pthreads = new ArrayList<>();
        for (PythonMemory.ThreadRef t : py.threads(py.mainInterpreter())) {
            if (t.tid() != mainTid) {
                pthreads.add(t.threadId());
            }
        }
        VtableScan.Result scan = VtableScan.scan(py.procFs(), py.pid(), py.mem(), maps, pthreads, module.userVptr(),
                module.mainVptr(), module.brokenVptr());
        if (!scan.complete()) {
            notes.add("greenlets: only " + (scan.scannedBytes() >> 20) + " MiB of memory were searched; some greenlets"
                    + " may be missing");
        }
        py.forget();
        List<GreenletLayout.Raw> raws = validated(scan.hits(), module);
        if (raws.isEmpty()) {
            return new Result(Map.of(), notes);
        }
        GreenletLayout layout = GreenletLayout.choose(py, raws);
        if (layout == null) {
            return refuse(so.get(), "none of its " + raws.size() + " greenlets matches a known or discoverable layout"
                    + " of greenlet's C++ object (the frame pointer could not be located and validated by type)");
        }
        if (!GreenletLayout.KNOWN.contains(layout)) {
            notes.add("greenlets: " + GreenletModule.version(py.procFs(), py.pid(), module.path())
                    + " has an unknown object layout; the frame fields were located by type in this process");
        }
        return new Result(assemble(raws, layout, maps, mainTid), notes);
    }

    private Result refuse(MemoryMap so, String why) {
        return new Result(Map.of(), List.of("greenlets not shown: " + GreenletModule.version(py.procFs(), py.pid(),
                so.path()) + " is loaded, but " + why + ". Inject gevent.util.format_run_info() where the process can "
                + "still run code."));
    }

    /** The hits whose Python object points back to them: live greenlets, not stale vptrs in freed memory. */
    private List<GreenletLayout.Raw> validated(List<Long> hits, GreenletModule module) {
        List<GreenletLayout.Raw> out = new ArrayList<>();
        for (long pimpl : hits) {
            try {
                ByteBuffer b = py.read(pimpl, GreenletLayout.PIMPL_BYTES);
                long self = b.getLong(GreenletLayout.SELF);
                if (self == 0 || (self & 7) != 0) {
                    continue;
                }
                ByteBuffer g = py.read(self, 40);
                if (g.getLong(PYGREENLET_PIMPL) != pimpl || g.getLong(0) <= 0) {
                    continue;
                }
                out.add(new GreenletLayout.Raw(pimpl, self, b.getLong(0) == module.mainVptr(), b));
            } catch (PythonMemory.Torn e) {
                // freed or unmapped: not a live greenlet
            }
        }
        return out;
    }

    private Map<Long, List<Greenlet>> assemble(List<GreenletLayout.Raw> raws, GreenletLayout l, List<MemoryMap> maps,
                                               long mainTid) {
        Map<Long, GreenletLayout.Raw> bySelf = new LinkedHashMap<>();
        for (GreenletLayout.Raw r : raws) {
            bySelf.put(r.self(), r);
        }
        // Stacks of the threads: the main thread's is [stack]; another thread's contains its pthread
        // struct (threading.get_ident()), which glibc places at the top of the thread's stack mapping.
        List<PythonMemory.ThreadRef> threads = py.threads(py.mainInterpreter());
        Map<Long, MemoryMap> stacks = new HashMap<>();
        for (PythonMemory.ThreadRef t : threads) {
            for (MemoryMap m : maps) {
                if (t.tid() == mainTid ? m.path().equals("[stack]") : m.contains(t.threadId())) {
                    stacks.put(t.tid(), m);
                    break;
                }
            }
        }
        // Each thread's running greenlet, from its main greenlet's ThreadState {main, current, ...}.
        Map<Long, Long> currentOfMain = new HashMap<>();
        for (GreenletLayout.Raw r : raws) {
            long ts = r.main() ? r.word(l.mainThreadState()) : 0;
            if (ts != 0) {
                try {
                    currentOfMain.put(r.self(), py.readPointer(ts + 8));
                } catch (PythonMemory.Torn e) {
                    // its thread is going away
                }
            }
        }
        Map<Long, Long> threadOf = new HashMap<>();
        for (GreenletLayout.Raw r : raws) {
            long stop = r.word(GreenletLayout.STACK_STOP);
            if (!r.main() && stop != 0) {
                stacks.forEach((tid, m) -> {
                    if (m.contains(stop)) {
                        threadOf.put(r.self(), tid);
                        threadOf.putIfAbsent(r.word(l.userMain()), tid);
                    }
                });
            }
        }
        for (GreenletLayout.Raw r : raws) { // unstarted: where their parent is
            long g = r.self();
            for (int i = 0; i < 16 && !threadOf.containsKey(r.self()) && g != 0 && bySelf.containsKey(g); i++) {
                g = bySelf.get(g).main() ? 0 : bySelf.get(g).word(l.parent());
                if (threadOf.containsKey(g)) {
                    threadOf.put(r.self(), threadOf.get(g));
                }
            }
        }
        java.util.Set<Long> running = new java.util.HashSet<>(currentOfMain.values());
        Map<Long, List<Greenlet>> out = new LinkedHashMap<>();
        for (GreenletLayout.Raw r : raws) {
            Long tid = threadOf.get(r.self());
            if (tid == null) {
                continue; // an orphan of an exited thread, or a main greenlet with no other greenlet
            }
            Greenlet g = describe(r, l, running.contains(r.self()));
            List<Greenlet> list = out.computeIfAbsent(tid, k -> new ArrayList<>());
            if (g.state().equals("running")) {
                list.add(0, g);
            } else {
                list.add(g);
            }
        }
        return out;
    }

    private Greenlet describe(GreenletLayout.Raw first, GreenletLayout l, boolean running) {
        GreenletLayout.Raw r = first;
        for (int attempt = 1; ; attempt++) {
            try {
                return describeOnce(r, l, running, true);
            } catch (PythonMemory.Torn e) {
                if (attempt >= ATTEMPTS) {
                    return describeOnce(r, l, running, false);
                }
                py.forget();
                try {
                    r = new GreenletLayout.Raw(r.pimpl(), r.self(), r.main(), py.read(r.pimpl(),
                            GreenletLayout.PIMPL_BYTES));
                } catch (PythonMemory.Torn gone) {
                    return describeOnce(r, l, running, false);
                }
            }
        }
    }

    /** With {@code strict} a torn read throws; without, whatever validated is returned, marked incomplete. */
    private Greenlet describeOnce(GreenletLayout.Raw r, GreenletLayout l, boolean running, boolean strict) {
        long type = 0;
        String typeName = null;
        String name = null;
        boolean hub = false;
        List<Frame> frames = List.of();
        boolean complete = strict;
        try {
            type = py.readPointer(r.self() + 8);
            typeName = py.typeName(type);
            boolean[] kind = kinds.get(type);
            if (kind == null) {
                kind = new boolean[]{GeventNames.isHub(py, type), GeventNames.isGeventGreenlet(py, type)};
                kinds.put(type, kind);
            }
            hub = kind[0];
            if (!r.main() && !hub && kind[1]) {
                name = GeventNames.name(py, r.self());
            }
        } catch (PythonMemory.Torn e) {
            if (strict) {
                throw e;
            }
        }
        String state = state(r, l, running);
        if (state.equals("suspended") || state.equals("main")) {
            long top = r.word(l.topFrame());
            if (top != 0) {
                try {
                    if (py.readPointer(top + GreenletLayout.F_FRAME) != r.word(l.currentFrame())) {
                        throw new PythonMemory.Torn("greenlet switched");
                    }
                    frames = py.walk(r.word(l.currentFrame()), r.word(l.datastackChunk()));
                } catch (PythonMemory.Torn e) {
                    if (strict) {
                        throw e;
                    }
                }
            }
        }
        long parent = r.main() ? 0 : r.word(l.parent());
        return new Greenlet(hex(r.self()), typeName, name, state, hub, parent == 0 ? null : hex(parent), frames,
                complete);
    }

    private static String state(GreenletLayout.Raw r, GreenletLayout l, boolean running) {
        if (running) {
            return "running";
        }
        if (r.main()) {
            return "main";
        }
        long stop = r.word(GreenletLayout.STACK_STOP);
        if (stop == 0) {
            return "unstarted";
        }
        return r.word(GreenletLayout.STACK_START) == 0 ? "dead" : "suspended";
    }

    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
