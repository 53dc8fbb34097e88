package dev.thaw.python.asyncio;

import dev.thaw.proc.MemoryMap;
import dev.thaw.python.DebugOffsets;
import dev.thaw.python.PythonMemory;
import dev.thaw.snapshot.AsyncLoop;
import dev.thaw.snapshot.AsyncTask;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every pending asyncio task of a CPython 3.14+ process, read from memory (as
 * {@code python -m asyncio pstree} does, but for every thread: 3.14.10's own reader starts at the
 * main thread and misses the others), grouped by the thread whose list holds it.
 *
 * <p>Each thread state keeps its running loop, running task and an intrusive circular list of the
 * tasks created on it ({@code llist_node {next, prev}} inside each task); an interpreter keeps the
 * tasks of threads that exited. The lists hold borrowed references and change while the target runs:
 * every node must link back ({@code next->prev == node}), every task must have the same type as the
 * others and {@code fut_is_task} set, and a list that does not hang together is read again; after
 * {@link #ATTEMPTS} it is shown as far as it validated and marked incomplete.
 */
public final class AsyncioReader {

    private static final int ATTEMPTS = 5;
    private static final int MAX_TASKS = 65536;
    private static final long TAG_MASK = ~3L;
    private static final long LONG_SUBCLASS = 1L << 24;
    private static final long UNICODE_SUBCLASS = 1L << 28;

    /** Loops per thread (by native tid) and facts worth a note. */
    public record Result(Map<Long, AsyncLoop> byThread, List<String> notes) {
    }

    private final PythonMemory py;
    /** The task types the list walks found: a task's own read must still show one of them. */
    private final Set<Long> taskTypes = new HashSet<>();
    private AsyncioOffsets a;
    private CoroutineChain chains;
    private long setTable;
    private long setMask;
    private long lvTag;
    private long obDigit;

    public AsyncioReader(PythonMemory py) {
        this.py = py;
    }

    /**
     * Where the process's {@code .AsyncioDebug} section is, or empty while {@code _asyncio} is not
     * loaded (then no task can exist). It never moves once loaded: extension modules are not unloaded.
     */
    public static Optional<Long> locate(PythonMemory py, List<MemoryMap> maps) {
        return AsyncioOffsets.locate(py.procFs(), py.pid(), maps, py.caches().asyncioSections());
    }

    public Result read(List<MemoryMap> maps) {
        Optional<Long> section = locate(py, maps);
        return section.isEmpty() ? new Result(Map.of(), List.of()) : read(section.get());
    }

    /** @param section the address of {@code .AsyncioDebug} ({@link #locate}) */
    public Result read(long section) {
        py.forget();
        a = AsyncioOffsets.decode(py.read(section, AsyncioOffsets.SIZE));
        String bad = a.invalidField();
        if (bad != null) {
            return new Result(Map.of(), List.of("asyncio tasks not shown: the _asyncio module's debug offsets are not "
                    + "what thaw expects (" + bad + ")"));
        }
        DebugOffsets.Deep deep = py.offsets().deep();
        setTable = deep.setTable();
        setMask = deep.setMask();
        lvTag = deep.longLvTag();
        obDigit = deep.longObDigit();
        chains = new CoroutineChain(py);

        long interp = py.mainInterpreter();
        Map<Long, ListRead> lists = new LinkedHashMap<>();
        for (PythonMemory.ThreadRef t : py.threads(interp)) {
            lists.put(t.tid(), readList(t.tstate() + a.threadTasksHead()));
        }
        ListRead orphans = readList(interp + a.interpTasksHead());

        Map<Long, Long> owner = new HashMap<>(); // task address -> tid
        lists.forEach((tid, l) -> l.tasks.forEach(task -> owner.put(task, tid)));
        orphans.tasks.forEach(task -> owner.put(task, -1L));

        Map<Long, AsyncTask> tasks = new HashMap<>();
        Map<Long, List<Long>> awaitedBy = new HashMap<>();
        Map<Long, Long> running = new HashMap<>();
        Map<Long, Long> loops = new HashMap<>();
        for (PythonMemory.ThreadRef t : py.threads(interp)) {
            long loop = py.readPointer(t.tstate() + a.threadRunningLoop()) & TAG_MASK;
            loops.put(t.tid(), loop);
            running.put(t.tid(), loop == 0 ? 0 : py.readPointer(t.tstate() + a.threadRunningTask()) & TAG_MASK);
        }
        Set<Long> runningTasks = new java.util.HashSet<>(running.values());
        for (long task : owner.keySet()) {
            List<Long> by = new ArrayList<>();
            tasks.put(task, task(task, runningTasks.contains(task), owner.keySet(), by));
            awaitedBy.put(task, by);
        }
        List<List<String>> cycles = AwaitCycles.find(awaitedBy);

        Map<Long, AsyncLoop> out = new LinkedHashMap<>();
        lists.forEach((tid, l) -> {
            long loop = loops.getOrDefault(tid, 0L);
            if (l.tasks.isEmpty() && loop == 0) {
                return;
            }
            List<AsyncTask> mine = new ArrayList<>();
            l.tasks.forEach(task -> mine.add(tasks.get(task)));
            List<List<String>> myCycles = new ArrayList<>();
            for (List<String> c : cycles) {
                if (mine.stream().anyMatch(t -> t.id().equals(c.get(0)))) {
                    myCycles.add(c);
                }
            }
            long run = running.getOrDefault(tid, 0L);
            out.put(tid, new AsyncLoop(loop == 0 ? null : hex(loop), run == 0 ? null : hex(run), mine, myCycles,
                    l.complete && mine.stream().allMatch(AsyncTask::complete)));
        });
        List<String> notes = new ArrayList<>();
        if (!orphans.tasks.isEmpty()) {
            StringBuilder sb = new StringBuilder(orphans.tasks.size() + " pending asyncio task(s) of exited threads: ");
            for (int i = 0; i < orphans.tasks.size() && i < 20; i++) {
                AsyncTask t = tasks.get(orphans.tasks.get(i));
                sb.append(i == 0 ? "" : ", ").append('"').append(t.name()).append("\" ").append(t.id());
                if (!t.stack().isEmpty()) {
                    sb.append(" at ").append(t.stack().get(0).display());
                }
            }
            notes.add(sb.toString());
        }
        return new Result(out, notes);
    }

    private record ListRead(List<Long> tasks, boolean complete) {
    }

    /** The tasks of one list, in order; read again while it does not hang together. */
    private ListRead readList(long head) {
        List<Long> best = List.of();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                py.forget();
            }
            List<Long> tasks = new ArrayList<>();
            try {
                long node = py.readPointer(head);
                long prev = head;
                long type = 0;
                while (node != head) {
                    if (node == 0 || (node & 7) != 0 || tasks.size() >= MAX_TASKS
                            || py.readPointer(node + 8) != prev) {
                        throw new PythonMemory.Torn("task list");
                    }
                    long task = node - a.taskNode();
                    ByteBuffer b = py.read(task, 16);
                    long t = b.getLong(8);
                    if (b.getLong(0) <= 0 || (type != 0 && t != type)
                            || py.read(task + a.taskIsTask(), 1).get(0) != 1) {
                        throw new PythonMemory.Torn("not a task");
                    }
                    type = t;
                    taskTypes.add(t);
                    tasks.add(task);
                    prev = node;
                    node = py.readPointer(node);
                }
                if (py.readPointer(head + 8) != prev) {
                    throw new PythonMemory.Torn("task list tail");
                }
                return new ListRead(tasks, true);
            } catch (PythonMemory.Torn e) {
                if (tasks.size() > best.size()) {
                    best = tasks;
                }
            }
        }
        return new ListRead(best, false);
    }

    private AsyncTask task(long task, boolean running, Set<Long> known, List<Long> awaitedBy) {
        for (int attempt = 1; ; attempt++) {
            try {
                ByteBuffer b = py.read(task, (int) a.taskSize());
                // The fields below must come from a live task: a task finished and freed since the list
                // walk may hold another object by now (a coroutine, whose name field is a str too).
                if (b.getLong(0) <= 0 || !taskTypes.contains(b.getLong(8)) || b.get((int) a.taskIsTask()) != 1) {
                    throw new PythonMemory.Torn("task freed");
                }
                String name = name(b.getLong((int) a.taskName()) & TAG_MASK);
                long coro = b.getLong((int) a.taskCoro()) & TAG_MASK;
                CoroutineChain.Result chain = coro == 0 ? new CoroutineChain.Result(List.of(), null) : chains.walk(coro);
                awaitedBy.clear();
                long ab = b.getLong((int) a.taskAwaitedBy()) & TAG_MASK;
                if (ab != 0) {
                    if (b.get((int) a.taskAwaitedByIsSet()) == 0) {
                        awaitedBy.add(ab);
                    } else {
                        awaitedBy.addAll(setMembers(ab));
                    }
                }
                awaitedBy.retainAll(known); // awaiters that are tasks (a set's dummy slots and plain futures drop out)
                List<String> ids = new ArrayList<>();
                awaitedBy.forEach(x -> ids.add(hex(x)));
                return new AsyncTask(hex(task), name, running, chain.frames(), chain.awaits(), ids, true);
            } catch (PythonMemory.Torn e) {
                if (attempt >= 3) {
                    return new AsyncTask(hex(task), "?", running, List.of(), null, List.of(), false);
                }
                py.forget();
            }
        }
    }

    /**
     * {@code task_name}: a str, or an int N for the default name {@code Task-N} until it is asked for.
     * CPython keeps nothing else there (a name given as another object is stored as its {@code str()}),
     * so anything else means the task was freed and its memory reused while we read: a torn read,
     * retried, never shown as a name.
     */
    private String name(long object) {
        long type = py.readPointer(object + py.offsets().objects().obType());
        long flags = py.typeFlags(type);
        if ((flags & UNICODE_SUBCLASS) != 0) {
            return PythonMemory.printable(py.string(object));
        }
        if ((flags & LONG_SUBCLASS) != 0) {
            ByteBuffer b = py.read(object, (int) obDigit + 8);
            long tag = b.getLong((int) lvTag);
            long digits = tag >>> 3;
            if (digits > 2 || (tag & 3) == 2) {
                throw new PythonMemory.Torn("task number");
            }
            long v = digits == 0 ? 0 : b.getInt((int) obDigit) & 0x3fffffffL;
            if (digits == 2) {
                v |= (b.getInt((int) obDigit + 4) & 0x3fffffffL) << 30;
            }
            return "Task-" + v;
        }
        throw new PythonMemory.Torn("task name of type " + py.typeName(type));
    }

    /** The keys of a set: its table of {@code {key, hash}} entries, empty slots skipped. */
    private List<Long> setMembers(long set) {
        long mask = py.readLong(set + setMask);
        long table = py.readPointer(set + setTable);
        if (mask < 0 || mask > 1 << 20 || table == 0) {
            throw new PythonMemory.Torn("set");
        }
        ByteBuffer t = py.read(table, (int) (mask + 1) * 16);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i <= mask; i++) {
            long key = t.getLong(i * 16) & TAG_MASK;
            if (key != 0) {
                out.add(key);
            }
        }
        return out;
    }

    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
