package dev.thaw.python;

import dev.thaw.proc.MemoryUnreadableException;
import dev.thaw.proc.ProcFs;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.FrameLocals;
import dev.thaw.snapshot.LoadedModules;
import dev.thaw.snapshot.PythonThreadDetail;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.ThreadStack;
import dev.thaw.snapshot.WaitClassifier;
import dev.thaw.snapshot.WaitedObject;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a CPython snapshot reads beyond the stacks, from the process's memory and files: what it
 * has loaded ({@code sys.modules}, gevent's patching), each thread's Python name, what each
 * blocked thread waits on, optionally the locals of its innermost frames, and each frame's source
 * line. Each part fails on its own: a part that cannot be read is left out (null) with a note,
 * never failing the snapshot; a torn read is retried a few times first.
 */
public final class PythonDetails {

    static final int ATTEMPTS = 3;

    private final PythonStackReader reader;
    private final PyObjects o;
    private final SnapshotRequest request;
    private Map<String, Long> modules;
    private String modulesProblem;

    public PythonDetails(PythonStackReader reader, SnapshotRequest request) {
        this.reader = reader;
        this.o = reader.objects();
        this.request = request;
    }

    /** {@code sys.modules}, read once per snapshot (retried on a torn read); null when unreadable. */
    private Map<String, Long> modules() {
        if (modules == null && modulesProblem == null) {
            for (int i = 1; i <= ATTEMPTS; i++) {
                try {
                    o.newPass();
                    modules = o.sysModules(reader.mainInterpreterAddress());
                    break;
                } catch (TornReadException | MemoryUnreadableException e) {
                    modulesProblem = "sys.modules changed while thaw read it (" + e.getMessage() + ")";
                }
            }
            if (modules != null) {
                modulesProblem = null;
            }
        }
        return modules;
    }

    public LoadedModules loaded() {
        Map<String, Long> m = modules();
        if (m == null) {
            return null;
        }
        return LoadedModulesReader.read(o, m);
    }

    /** A note for the snapshot when sys.modules could not be read (names and modules are then absent). */
    public String modulesProblem() {
        return modulesProblem;
    }

    /**
     * Reads the Python detail of each thread (by thread state address): its Thread name, what it
     * waits on (for the threads {@code waitsWanted} accepts), its locals when asked.
     */
    public Map<Long, PythonThreadDetail> read(List<PyThreadStack> raw, java.util.function.Predicate<PyThreadStack> waitsWanted,
                                       int ownPid) {
        Map<Long, PythonThreadNames.PyThread> names = Map.of();
        String namesProblem = null;
        Map<String, Long> m = modules();
        if (m != null) {
            for (int i = 1; i <= ATTEMPTS; i++) {
                try {
                    o.newPass();
                    names = PythonThreadNames.read(o, m);
                    namesProblem = null;
                    break;
                } catch (TornReadException | MemoryUnreadableException e) {
                    namesProblem = "threading._active changed while thaw read it";
                }
            }
        }
        Map<Long, Long> identToTid = new HashMap<>();
        Map<Long, String> identToName = new HashMap<>();
        for (PyThreadStack t : raw) {
            identToTid.put(t.threadId(), t.tid());
            PythonThreadNames.PyThread p = names.get(t.threadId());
            if (p != null && p.name() != null) {
                identToName.put(t.threadId(), p.name());
            }
        }
        WaitReader waits = new WaitReader(reader, identToTid, identToName);
        LocalsReader locals = request.locals() ? new LocalsReader(reader) : null;
        // Blocked threads' frames and the objects they wait on do not change while they stay
        // blocked: one block cache serves all of them (each thread's innermost frame is re-read
        // directly afterwards to prove it did not move; a retry starts a fresh cache).
        o.newPass();
        Map<Long, PythonThreadDetail> out = new HashMap<>();
        for (PyThreadStack t : raw) {
            PythonThreadNames.PyThread p = names.get(t.threadId());
            List<String> problems = new ArrayList<>();
            if (namesProblem != null) {
                problems.add(namesProblem);
            }
            List<WaitedObject> waitsOn = null;
            if (waitsWanted.test(t) && t.complete() && !t.frameAddresses().isEmpty()) {
                waitsOn = readWaits(waits, t, p == null ? 0 : p.address(), problems);
            }
            List<FrameLocals> frameLocals = null;
            if (locals != null && !t.frameAddresses().isEmpty()) {
                frameLocals = locals.read(t.frames(), t.frameAddresses(), request.maxFrames());
            }
            out.put(t.tstate(), new PythonThreadDetail(p == null ? null : p.name(),
                    p == null ? null : p.threadClass(), p == null ? null : p.daemon(), observation(t.tid(), p, ownPid),
                    waitsOn, frameLocals, problems.isEmpty() ? null : String.join("; ", problems)));
        }
        return out;
    }

    /**
     * The sample with each thread's detail. A thread the kernel saw running keeps no waited-on
     * objects (read while the target was paused, its innermost call is no wait).
     */
    public static List<ThreadStack> attach(List<ThreadStack> sample, List<PyThreadStack> raw,
                                    Map<Long, PythonThreadDetail> details) {
        List<ThreadStack> out = new ArrayList<>(sample.size());
        for (int i = 0; i < sample.size(); i++) {
            ThreadStack ts = sample.get(i);
            PythonThreadDetail d = details.get(raw.get(i).tstate());
            if (d != null && d.waitsOn() != null && !blocked(ts.thread())) {
                d = new PythonThreadDetail(d.name(), d.threadClass(), d.daemon(), d.observation(), null, d.locals(),
                        d.note());
            }
            out.add(d == null ? ts : new ThreadStack(ts.thread().withPython(d), ts.frames()));
        }
        return out;
    }

    private List<WaitedObject> readWaits(WaitReader waits, PyThreadStack t, long ownThread, List<String> problems) {
        for (int i = 1; i <= ATTEMPTS; i++) {
            try {
                if (i > 1) {
                    o.newPass();
                }
                List<WaitedObject> w = waits.read(t.frames(), t.frameAddresses(), ownThread);
                return w.isEmpty() ? null : w;
            } catch (TornReadException | MemoryUnreadableException e) {
                // the thread woke up meanwhile: read again
            }
        }
        problems.add("what it waits on could not be read: its innermost frame kept changing");
        return null;
    }

    /** Not running Python code: a blocked or sleeping thread, whose innermost frame sits in a call. */
    public static boolean blocked(ThreadSnapshot t) {
        return t.state() != null && !WaitClassifier.RUNNING.equals(t.state()) && !WaitClassifier.UNKNOWN.equals(t.state());
    }

    /**
     * A Thread object other than the main one on the process's first OS thread: the process was
     * forked from that thread (the child's only thread is a copy of the forking one; its OS name
     * and Python name are the worker's), or the Thread's {@code run} was called directly.
     */
    private static String observation(long tid, PythonThreadNames.PyThread p, int ownPid) {
        if (p == null || tid != ownPid || p.threadClass() == null) {
            return null;
        }
        if (!p.threadClass().equals("threading._MainThread") && !p.threadClass().equals("threading._DummyThread")) {
            return "the process's first OS thread runs the bootstrap of Thread \"" + p.name() + "\" ("
                    + p.threadClass() + "), not MainThread: the process was forked from that thread (a forked child "
                    + "inherits locks its parent's other threads held at fork())";
        }
        return null;
    }

    /** The groups with each frame's source line (frames are shared: each distinct frame gets its source once). */
    public static List<StackGroup> withSources(ProcFs procFs, int pid, List<StackGroup> groups, String mode,
                                        PythonCaches caches) {
        if (SnapshotRequest.SOURCE_NONE.equals(mode)) {
            return groups;
        }
        SourceLines lines = new SourceLines(procFs, pid, processStart(procFs, pid),
                SnapshotRequest.SOURCE_CONTEXT.equals(mode), caches);
        Map<Frame, Frame> done = new IdentityHashMap<>();
        List<StackGroup> out = new ArrayList<>(groups.size());
        for (StackGroup g : groups) {
            List<Frame> frames = new ArrayList<>(g.frames().size());
            for (Frame f : g.frames()) {
                frames.add(done.computeIfAbsent(f, x -> x.withSource(lines.source(x.file(), x.line()))));
            }
            out.add(new StackGroup(g.rank(), g.count(), g.tids(), List.copyOf(frames), g.framesOmitted(), g.why(),
                    g.threads(), g.activity()));
        }
        return out;
    }

    /** When the process started: boot time ({@code btime} of /proc/stat) plus its start ticks. */
    static Instant processStart(ProcFs procFs, int pid) {
        try {
            long ticks = procFs.stat(pid).startTimeTicks();
            for (String line : Files.readAllLines(procFs.root().resolve("stat"))) {
                if (line.startsWith("btime ")) {
                    long boot = Long.parseLong(line.substring(6).trim());
                    // USER_HZ is 100 on every Linux architecture thaw runs on
                    return Instant.ofEpochSecond(boot).plusMillis(ticks * 10);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: no stale check
        }
        return null;
    }
}
