package dev.thaw.mcp.view;

import dev.thaw.Json;
import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.JvmLocks;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotAssembler;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link Snapshot} as a model reads it ({@code structuredContent}): what it means first (findings,
 * deadlocks, the most waited-on thread), then the groups of threads that share a stack, each fact
 * stated once per group and per thread only where a thread differs; idle groups and JVM housekeeping
 * threads as counts; groups past {@link #GROUP_BUDGET} bytes behind a cursor. The full record stays in
 * the session log.
 *
 * <p>Adding a fact: a new per-thread component of {@link ThreadSnapshot} is one line in
 * {@link #THREAD_FACTS} (group-level when all threads share it, else listed under {@code differ}); a
 * new {@link StackGroup} component one {@code with} in {@link #group}; a new {@link Snapshot}
 * component one {@code with} in {@link #of}. {@link SnapshotModelText} renders any key it does not
 * know as {@code key: value}, so the text keeps saying the same facts.
 */
public final class SnapshotModel {

    /** JSON bytes of the groups on one page: with findings and the header, a page stays near 8 KB. */
    static final int GROUP_BUDGET = 7000;
    static final int MAX_FRAMES = 24;
    static final int MAX_DIFFER = 8;
    static final int MAX_IDLE_LINES = 8;

    private static final Pattern LOCK = Pattern.compile("<(0x[0-9a-f]+)> \\((.*)\\)");
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]+");

    /** A per-thread fact: its key in the view, and how it is read (null, false, empty = absent). */
    private record ThreadFact(String key, BiFunction<ThreadSnapshot, Locks, Object> read) {
    }

    private static final List<ThreadFact> THREAD_FACTS = List.of(
            new ThreadFact("state", (t, l) -> t.state()),
            new ThreadFact("status", (t, l) -> t.jvm() == null ? null : t.jvm().status()),
            new ThreadFact("kernel", (t, l) -> kernel(t)),
            new ThreadFact("stuck", (t, l) -> t.stuck()),
            new ThreadFact("main", (t, l) -> t.main()),
            new ThreadFact("holdsGil", (t, l) -> t.holdsGil()),
            new ThreadFact("deadlocked", (t, l) -> t.jvm() != null && t.jvm().deadlocked()),
            new ThreadFact("virtual", (t, l) -> t.jvm() != null && t.jvm().virtual()),
            new ThreadFact("daemon", (t, l) -> t.jvm() != null && t.jvm().daemon()),
            new ThreadFact("waitsOn", (t, l) -> t.lockWaitedOn()),
            new ThreadFact("owner", (t, l) -> t.owner()),
            new ThreadFact("holds", (t, l) -> l.held(t.locksHeld())),
            new ThreadFact("note", (t, l) -> t.note()),
            // What CPython's own objects say (py thread name, the objects it waits on, locals), compact.
            new ThreadFact("pyName", (t, l) -> t.python() == null ? null : t.python().name()),
            new ThreadFact("observation", (t, l) -> t.python() == null ? null : t.python().observation()),
            new ThreadFact("waitsOnObject", (t, l) -> t.python() == null ? null : waitedObjects(t.python().waitsOn())),
            new ThreadFact("locals", (t, l) -> t.python() == null ? null : locals(t.python().locals())),
            new ThreadFact("pyNote", (t, l) -> t.python() == null ? null : t.python().note()),
            // asyncio tasks and greenlets running inside the thread, as compact lines (bounded per thread).
            new ThreadFact("inside", (t, l) -> dev.thaw.snapshot.InsideThreadsText.lines(t)));

    private SnapshotModel() {
    }

    /**
     * @param id     the handle of this snapshot for a later {@code cursor}
     * @param offset the first group of the page (0 for the first page, which also carries the
     *               conclusions)
     */
    public static ViewMap of(Snapshot s, String id, int offset) {
        Locks locks = Locks.of(s);
        List<StackGroup> shown = new ArrayList<>();
        List<StackGroup> idle = new ArrayList<>();
        int housekeeping = 0;
        for (StackGroup g : s.groups()) {
            if (housekeeping(g)) {
                housekeeping += g.count();
            } else if ("idle".equals(g.activity())) {
                idle.add(g);
            } else {
                shown.add(g);
            }
        }
        ViewMap v = new ViewMap()
                .with("pid", s.pid())
                .with("runtime", s.runtime() + " " + s.runtimeVersion())
                .with("threads", s.totalThreads());
        if (s.shownThreads() != s.totalThreads() || s.threadFilter() != null) {
            v.with("matching", s.shownThreads()).with("threadFilter", s.threadFilter());
        }
        if (s.samples() > 1) {
            v.with("samples", s.samples()).with("intervalMs", s.intervalMs());
        }
        v.with("takenAt", s.takenAt());
        int first = Math.max(0, Math.min(offset, shown.size()));
        if (first == 0) {
            v.with("findings", s.findings().stream().map(SnapshotModel::finding).toList())
                    .with("notes", s.notes())
                    .with("python", python(s.python()));
            if (s.jvm() != null) {
                v.with("deadlocks", s.jvm().deadlocks().stream().map(SnapshotModel::deadlock).toList())
                        .with("mostWaitedOn", mostWaitedOn(s.jvm()))
                        .count("virtualThreads", s.jvm().virtualThreads());
            }
        } else {
            v.with("page", "stacks from " + (first + 1));
        }
        List<ViewMap> page = new ArrayList<>();
        int used = 0;
        int next = first;
        for (; next < shown.size(); next++) {
            ViewMap g = group(shown.get(next), s, locks);
            int size = Json.write(g).getBytes(StandardCharsets.UTF_8).length;
            if (!page.isEmpty() && used + size > GROUP_BUDGET) {
                break;
            }
            page.add(g);
            used += size;
        }
        v.with("groups", page);
        if (first == 0) {
            v.with("idle", idle(idle)).count("jvmHousekeepingThreads", housekeeping);
        }
        if (next < shown.size()) {
            int threads = 0;
            for (int i = next; i < shown.size(); i++) {
                threads += shown.get(i).count();
            }
            v.with("more", new ViewMap().with("stacks", shown.size() - next).with("threads", threads)
                    .with("cursor", id + ":" + next));
        }
        return v;
    }

    /** The groups the view would list (neither idle nor housekeeping), for paging arithmetic. */
    static boolean housekeeping(StackGroup g) {
        return dev.thaw.findings.Activity.housekeeping(g);
    }

    private static ViewMap group(StackGroup g, Snapshot s, Locks locks) {
        ViewMap v = new ViewMap().with("rank", g.rank()).with("activity", g.activity()).with("threads", g.count());
        List<ThreadSnapshot> threads = g.threads();
        if (threads.size() == 1) {
            v.with("tid", threads.get(0).tid()).with("name", threads.get(0).name());
        } else {
            v.with("tids", IdRanges.of(g.tids()))
                    .with("names", NamePatterns.of(threads.stream().map(ThreadSnapshot::name).toList()));
        }
        Map<Long, ViewMap> differ = new LinkedHashMap<>();
        Set<String> differKeys = new java.util.LinkedHashSet<>();
        for (ThreadFact f : THREAD_FACTS) {
            List<Object> values = new ArrayList<>(threads.size());
            Map<Object, Integer> counts = new HashMap<>();
            for (ThreadSnapshot t : threads) {
                Object value = absentIfEmpty(f.read().apply(t, locks));
                values.add(value);
                counts.merge(value == null ? Absent.VALUE : value, 1, Integer::sum);
            }
            if (threads.size() > MAX_DIFFER && counts.size() == threads.size()) {
                // Every thread its own value (a Python Condition waits on a fresh lock per waiter): one
                // arbitrary value would mislead and a list would say nothing more.
                v.with(f.key(), "each thread its own (" + threads.size() + " distinct; narrow with thread=TID)");
                continue;
            }
            Object common = counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
            if (common != Absent.VALUE) {
                v.with(f.key(), common);
            }
            if (counts.size() > 1) {
                for (int i = 0; i < threads.size(); i++) {
                    Object value = values.get(i);
                    if (!Objects.equals(value == null ? Absent.VALUE : value, common)) {
                        ThreadSnapshot t = threads.get(i);
                        differ.computeIfAbsent(t.tid(), k -> new ViewMap().with("tid", t.tid()).with("name", t.name()))
                                .put(f.key(), value == null ? "none" : value);
                        differKeys.add(f.key());
                    }
                }
            }
        }
        v.with("why", g.why()).with("frames", frames(g, s.maxFrames())).with("sourceContext", context(g));
        List<ViewMap> shownDiffer = differ.values().stream().limit(MAX_DIFFER).toList();
        v.with("differ", shownDiffer);
        if (differ.size() > shownDiffer.size()) {
            v.with("differMore", (differ.size() - shownDiffer.size()) + " more threads differ in "
                    + String.join(", ", differKeys) + "; narrow with thread=TID");
        }
        return v;
    }

    /** {@code function (file:line) ▸ source line}, the line marked when the file changed since the process started. */
    static String withSource(Frame f) {
        dev.thaw.snapshot.FrameSource src = f.source();
        if (src == null || src.line() == null || src.line().isBlank()) {
            return f.display();
        }
        return f.display() + " ▸ " + src.line().strip()
                + (dev.thaw.snapshot.FrameSource.STALE.equals(src.status()) ? " [stale: " + src.reason() + "]" : "");
    }

    /** With {@code source: context}: the lines around the innermost frame's line, that line marked {@code →}. */
    static List<String> context(StackGroup g) {
        if (g.frames().isEmpty() || g.frames().get(0).source() == null || g.frames().get(0).source().context() == null) {
            return null;
        }
        dev.thaw.snapshot.FrameSource src = g.frames().get(0).source();
        List<String> out = new ArrayList<>();
        int n = src.firstLine() == null ? 0 : src.firstLine();
        for (String line : src.context()) {
            Integer at = g.frames().get(0).line();
            out.add((at != null && at == n ? "→ " : "  ") + n + " " + line);
            n++;
        }
        return out;
    }

    /** The objects a blocked thread waits on or through, as {@link dev.thaw.snapshot.WaitedObjectText} writes them. */
    static List<String> waitedObjects(List<dev.thaw.snapshot.WaitedObject> objects) {
        if (objects == null || objects.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>(objects.size());
        for (dev.thaw.snapshot.WaitedObject o : objects) {
            out.add(dev.thaw.snapshot.WaitedObjectText.of(o));
        }
        return out;
    }

    /** Locals as {@code fn#frame: name=value type, ...}, one line per frame. */
    static List<String> locals(List<dev.thaw.snapshot.FrameLocals> frames) {
        if (frames == null || frames.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>(frames.size());
        for (dev.thaw.snapshot.FrameLocals f : frames) {
            StringBuilder sb = new StringBuilder().append(f.function()).append('#').append(f.frame()).append(':');
            for (dev.thaw.snapshot.LocalValue v : f.locals()) {
                sb.append(' ').append(v.name()).append('=').append(v.value());
                if (v.type() != null && v.value() != null && !v.value().startsWith("<")) {
                    sb.append(" (").append(v.type()).append(')');
                }
                sb.append(',');
            }
            if (!f.locals().isEmpty()) {
                sb.setLength(sb.length() - 1);
            }
            if (f.truncated()) {
                sb.append(" …");
            }
            if (f.note() != null) {
                sb.append(" [").append(f.note()).append(']');
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** What the process has loaded and how it was read: the facts a model needs to judge gevent and asyncio hangs. */
    static ViewMap python(dev.thaw.snapshot.PythonProcessDetail p) {
        if (p == null) {
            return null;
        }
        ViewMap m = new ViewMap();
        if (p.modules() != null) {
            m.with("loaded", p.modules().notable()).with("modulesNote", p.modules().note());
            if (p.modules().geventPatched() != null) {
                m.put("geventPatched", p.modules().geventPatched());
            }
        }
        return m.with("pausedMs", p.pausedMs()).with("pauseNote", p.pauseNote());
    }

    /** Frames as {@code function (file:line)}, a recursion as one frame with {@code ×N}, long stacks cut in the middle. */
    static List<String> frames(StackGroup g, int maxFrames) {
        List<Frame> frames = g.frames();
        int cutAt = g.framesOmitted() > 0 ? frames.size() - SnapshotAssembler.outermostKept(maxFrames) : -1;
        List<String> lines = new ArrayList<>();
        List<Integer> weights = new ArrayList<>(); // how many frames of the stack each line stands for
        for (int i = 0; i < frames.size(); i++) {
            if (i == cutAt) {
                lines.add(null);
                weights.add(g.framesOmitted());
            }
            String d = withSource(frames.get(i));
            int last = lines.size() - 1;
            if (last >= 0 && d.equals(lines.get(last))) {
                weights.set(last, weights.get(last) + 1);
            } else {
                lines.add(d);
                weights.add(1);
            }
        }
        // Innermost frames say what the thread does, the outermost who started it; the middle is cut.
        int inner = MAX_FRAMES - 5;
        int outer = 4;
        List<String> out = new ArrayList<>();
        int cut = 0;
        for (int i = 0; i < lines.size(); i++) {
            boolean keep = lines.size() <= MAX_FRAMES || i < inner || i >= lines.size() - outer;
            if (keep && lines.get(i) != null) {
                if (cut > 0) {
                    out.add("… " + cut + " frames …");
                    cut = 0;
                }
                out.add(weights.get(i) > 1 ? lines.get(i) + " ×" + weights.get(i) : lines.get(i));
            } else {
                cut += weights.get(i);
            }
        }
        if (cut > 0) {
            out.add("… " + cut + " frames …");
        }
        return out;
    }

    private static List<String> idle(List<StackGroup> idle) {
        List<String> out = new ArrayList<>();
        int threads = 0;
        for (StackGroup g : idle) {
            if (out.size() == MAX_IDLE_LINES) {
                threads += g.count();
                continue;
            }
            String at = g.frames().isEmpty() ? "no frames" : g.frames().get(0).display();
            String who = g.count() == 1 ? "tid " + g.tids().get(0) + " \"" + g.threads().get(0).name() + "\""
                    : g.count() + " threads (tids " + IdRanges.of(g.tids()) + "; "
                    + String.join(", ", NamePatterns.of(g.threads().stream().map(ThreadSnapshot::name).toList())) + ")";
            out.add(who + " at " + at);
        }
        if (idle.size() > MAX_IDLE_LINES) {
            out.add("+" + (idle.size() - MAX_IDLE_LINES) + " more idle stacks (" + threads + " threads); narrow with thread=NAME");
        }
        return out;
    }

    private static Map<String, Object> finding(Finding f) {
        return ViewMap.compact(Json.toMap(f));
    }

    private static ViewMap deadlock(JvmLocks.Deadlock d) {
        return new ViewMap().with("tids", IdRanges.of(d.tids()))
                .with("edges", d.edges().stream().map(SnapshotModel::edge).toList());
    }

    static String edge(JvmLocks.Edge e) {
        return "\"" + e.waiterName() + "\" (tid " + e.waiter() + ") waits for " + e.kind() + " " + e.lock()
                + " held by \"" + e.ownerName() + "\" (tid " + e.owner() + ")";
    }

    private static String mostWaitedOn(JvmLocks locks) {
        Map<Long, Integer> waiters = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (JvmLocks.Edge e : locks.waitFor()) {
            waiters.merge(e.owner(), 1, Integer::sum);
            names.put(e.owner(), e.ownerName());
        }
        // One waiter per owner is already said by each thread's waitsOn and owner.
        return waiters.entrySet().stream().max(Map.Entry.comparingByValue()).filter(top -> top.getValue() > 1).map(top ->
                "\"" + names.get(top.getKey()) + "\" (tid " + top.getKey() + ") holds what " + top.getValue()
                        + " threads wait for; "
                        + locks.waitFor().size() + " wait-for edges in all").orElse(null);
    }

    private static String kernel(ThreadSnapshot t) {
        List<String> parts = new ArrayList<>(3);
        if (t.kernelState() != null) {
            parts.add(t.kernelState());
        }
        if (t.syscall() != null && !t.syscall().equals("running")) {
            parts.add(t.syscall());
        }
        if (t.wchan() != null) {
            parts.add("in " + t.wchan());
        }
        return String.join(" ", parts);
    }

    private static Object absentIfEmpty(Object v) {
        if (v == null || Boolean.FALSE.equals(v) || (v instanceof String s && s.isEmpty())
                || (v instanceof List<?> l && l.isEmpty())) {
            return null;
        }
        return v;
    }

    /** Marks "no value" in the vote for a group's common value (a map key cannot be null here). */
    private enum Absent { VALUE }

    /**
     * Locks that link threads: those some thread waits for. A held lock nobody waits for tells only
     * its class (its address would differ in every thread and link nothing).
     */
    private record Locks(Set<String> waited) {

        static Locks of(Snapshot s) {
            Set<String> waited = new HashSet<>();
            for (StackGroup g : s.groups()) {
                for (ThreadSnapshot t : g.threads()) {
                    addresses(t.lockWaitedOn(), waited);
                }
            }
            if (s.jvm() != null) {
                for (JvmLocks.Edge e : s.jvm().waitFor()) {
                    addresses(e.lock(), waited);
                }
            }
            return new Locks(waited);
        }

        private static void addresses(String lock, Set<String> into) {
            if (lock != null) {
                Matcher m = ADDRESS.matcher(lock);
                while (m.find()) {
                    into.add(m.group());
                }
            }
        }

        List<String> held(List<String> locks) {
            if (locks == null || locks.isEmpty()) {
                return null;
            }
            List<String> out = new ArrayList<>(locks.size());
            for (String l : locks) {
                Matcher m = LOCK.matcher(l);
                out.add(!m.matches() || waited.contains(m.group(1)) ? l : m.group(2));
            }
            return out;
        }
    }
}
