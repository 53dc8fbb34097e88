// thaw-diagnostic
// {
//   "id": "jvm.deadlocks",
//   "runtime": "hotspot",
//   "title": "Deadlocks and the most-blocking locks",
//   "question": "Which threads are deadlocked (monitors, java.util.concurrent locks, read locks of ReentrantReadWriteLock and class initialization, which the JVM's own detector misses), and which locks block the most threads, held by whom, who in turn waits for whom?",
//   "params": {
//     "type": "object",
//     "properties": {
//       "top": {"type": "integer", "minimum": 1, "maximum": 100, "default": 5, "description": "most-blocking locks to show"},
//       "depth": {"type": "integer", "minimum": 1, "maximum": 200, "default": 8, "description": "stack frames per thread"}
//     },
//     "additionalProperties": false
//   },
//   "mutating": false,
//   "cost": "one ThreadMXBean.dumpAllThreads(true, true) and one VM thread dump (thread.print, for class-initialization waits): each a safepoint of a few ms per 1000 threads; when a thread waits for a ReentrantReadWriteLock, one Thread.getAllStackTraces() more and reflection on that lock's read holders"
// }
// Builds its own wait-for graph: waiter -> owner of the monitor or ownable synchronizer it waits for
// (ThreadInfo.getLockOwnerId) and, for a thread that waits to write a ReentrantReadWriteLock that nobody
// owns exclusively, waiter -> every thread that holds it for reading (read from the lock's firstReader
// and each thread's own ThreadLocal hold count; neither jstack, ThreadMXBean.findDeadlockedThreads nor
// Arthas `thread -b` see read holders). Every cycle is a deadlock, and a thread waiting to write a lock
// it reads itself is one on its own (a read-to-write upgrade). Then the locks are ranked by waiters,
// and each owner's own wait is followed to the end of the chain: "X blocks 7 threads; X's owner waits
// for Y held by Z; Z sleeps in ..." is the shape of most hangs.
//
// Locks are named class@identityHashCode (as Object.toString prints them); thread dumps (jstack, thaw's
// snapshot) show the object's address <0x...> instead, which moves with GC: match them by lock class
// and thread names. Nothing here takes a lock of the application.
import dev.thaw.agent.Kit;
import dev.thaw.agent.Probe;

import java.io.PrintWriter;
import java.lang.invoke.MethodHandles;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class Deadlocks implements Probe {

    private static final int MAX_CYCLES = 10;
    private static final int MAX_CHAIN = 20;

    private int depth;
    private final Map<Long, ThreadInfo> byId = new LinkedHashMap<Long, ThreadInfo>();
    /** waiter -> the threads it waits for (more than one only for read holders). */
    private final Map<Long, List<Long>> edges = new HashMap<Long, List<Long>>();
    /** waiter -> how the lock is held by the targets of its edges, e.g. "held for reading by". */
    private final Map<Long, String> edgeKind = new HashMap<Long, String>();
    private final List<String> notes = new ArrayList<String>();
    private Map<Long, Thread> liveThreads;
    private Kit kit;

    @Override
    public void run(Map<String, String> params, PrintWriter out) {
        kit = Kit.forProbe(MethodHandles.lookup());
        int top = intParam(params, "top", 5);
        depth = intParam(params, "depth", 8);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ThreadInfo[] all = mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), mx.isSynchronizerUsageSupported());
        long self = Thread.currentThread().getId();
        for (ThreadInfo t : all) {
            if (t != null && t.getThreadId() != self) {
                byId.put(t.getThreadId(), t);
            }
        }
        for (ThreadInfo t : byId.values()) {
            try {
                addEdges(t);
            } catch (Throwable e) {
                notes.add("could not follow the wait of \"" + t.getThreadName() + "\": " + e);
            }
        }

        Set<Long> jvmDeadlocked = new HashSet<Long>();
        long[] found = null;
        try {
            found = mx.isSynchronizerUsageSupported() ? mx.findDeadlockedThreads() : mx.findMonitorDeadlockedThreads();
        } catch (Throwable e) {
            notes.add("ThreadMXBean.findDeadlockedThreads failed: " + e);
        }
        if (found != null) {
            for (long id : found) {
                jvmDeadlocked.add(id);
            }
        }

        out.println(byId.size() + " threads; locks are shown as class@identityHashCode (jstack shows addresses instead:"
                + " match by class and thread names)." + (virtualThreadsExist() ? " Virtual threads are not in"
                + " ThreadMXBean's view: jvm.virtual_threads shows what they wait for." : ""));
        List<List<Long>> cycles = cycles();
        Set<Long> inCycles = new HashSet<Long>();
        for (List<Long> c : cycles) {
            inCycles.addAll(c);
        }
        if (cycles.isEmpty()) {
            out.println("No deadlock: no cycle among monitors, ownable synchronizers and read locks.");
        } else {
            out.println("DEADLOCK: " + cycles.size() + (cycles.size() == 1 ? " cycle" : " cycles") + " of threads"
                    + " waiting for each other:");
        }
        int n = 0;
        for (List<Long> cycle : cycles) {
            if (n++ >= MAX_CYCLES) {
                out.println("... " + (cycles.size() - MAX_CYCLES) + " more cycles");
                break;
            }
            printCycle(out, n, cycle, jvmDeadlocked);
        }
        Set<Long> missed = new LinkedHashSet<Long>(jvmDeadlocked);
        missed.removeAll(inCycles);
        missed.remove(self);
        if (!missed.isEmpty()) {
            out.println("The JVM also reports as deadlocked (not in a cycle found here): " + names(missed, 20));
        }

        printMostBlocking(out, top);
        classInitialization(out);
        for (String note : notes) {
            out.println("note: " + note);
        }
        Kit.report(out, "no cycle among monitors, ownable synchronizers and read locks of the " + byId.size()
                + " platform threads");
    }

    // ---- class initialization ----

    /**
     * Class-initialization waits, which neither ThreadMXBean nor the wait-for graph above sees: a thread
     * that needs a class another thread is initialising waits inside the VM (RUNNABLE, no lock in
     * ThreadInfo). The VM's own thread dump (the DiagnosticCommand thread.print, as jstack prints it) says
     * "waiting on the Class initialization monitor for C" on JDK 17.0.x and 21+; the thread initialising C
     * has C.<clinit> on its stack. A cycle of such waits never ends.
     */
    private void classInitialization(PrintWriter out) {
        String dump;
        try {
            javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            dump = (String) server.invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "threadPrint", new Object[]{new String[0]}, new String[]{String[].class.getName()});
        } catch (Throwable e) {
            notes.add("class-initialization waits not checked: the VM's thread dump (DiagnosticCommand threadPrint) "
                    + "failed: " + e);
            return;
        }
        Map<String, String> waitsFor = new LinkedHashMap<String, String>();     // thread -> class it waits to see initialised
        Map<String, String> waitFrame = new HashMap<String, String>();
        Map<String, String> initialiser = new HashMap<String, String>();        // class -> thread running its <clinit>
        boolean anyClinit = false;
        String thread = null;
        String lastFrame = null;
        for (String line : dump.split("\n")) {
            if (line.startsWith("\"")) {
                int end = line.indexOf('"', 1);
                thread = end > 0 ? line.substring(1, end) : null;
                lastFrame = null;
                continue;
            }
            String l = line.trim();
            if (thread == null) {
                continue;
            }
            if (l.startsWith("at ")) {
                lastFrame = l.substring(3);
                int paren = lastFrame.indexOf('(');
                String method = paren > 0 ? lastFrame.substring(0, paren) : lastFrame;
                if (method.endsWith(".<clinit>")) {
                    anyClinit = true;
                    String cls = method.substring(0, method.length() - ".<clinit>".length());
                    if (!initialiser.containsKey(cls)) {
                        initialiser.put(cls, thread);
                    }
                }
            } else if (l.startsWith("- waiting on the Class initialization monitor for ") && !waitsFor.containsKey(thread)) {
                waitsFor.put(thread, l.substring("- waiting on the Class initialization monitor for ".length()).trim());
                waitFrame.put(thread, lastFrame);
            }
        }
        if (waitsFor.isEmpty()) {
            // a thread in <clinit> is normal (a class being initialised right now); only dumps that cannot name
            // an awaited class (before JDK 17) leave class-initialization waits unchecked
            String spec = System.getProperty("java.specification.version", "");
            if (anyClinit && (spec.startsWith("1.") || spec.matches("(9|1[0-6])"))) {
                notes.add("threads are running static initializers, but this JVM's thread dump does not say which class "
                        + "a thread waits to see initialised (it does from JDK 17 on): class-initialization "
                        + "deadlocks not checked");
            }
            return;
        }
        out.println();
        out.println(waitsFor.size() + " thread(s) wait for another thread to finish initialising a class:");
        for (Map.Entry<String, String> e : waitsFor.entrySet()) {
            String by = initialiser.get(e.getValue());
            out.println("  \"" + e.getKey() + "\" waits for " + e.getValue() + ", initialised by "
                    + (by == null ? "no live thread's stack" : "\"" + by + "\"") + ", at " + waitFrame.get(e.getKey()));
        }
        Set<String> reported = new HashSet<String>();
        for (String start : waitsFor.keySet()) {
            List<String> path = new ArrayList<String>();
            String cur = start;
            while (cur != null && !path.contains(cur) && path.size() < MAX_CHAIN) {
                path.add(cur);
                String cls = waitsFor.get(cur);
                cur = cls == null ? null : initialiser.get(cls);
            }
            if (cur == null || !cur.equals(start)) {
                continue; // not a cycle through start (a chain, or a cycle start only leads into)
            }
            List<String> key = new ArrayList<String>(path);
            Collections.sort(key);
            if (!reported.add(key.toString())) {
                continue;
            }
            List<String> ev = new ArrayList<String>();
            StringBuilder classes = new StringBuilder();
            for (String t : path) {
                String cls = waitsFor.get(t);
                ev.add("\"" + t + "\" runs the static initializer of "
                        + initialisedBy(initialiser, t) + " and waits for " + cls + " (\"" + initialiser.get(cls)
                        + "\" initialises it), at " + waitFrame.get(t));
                classes.append(classes.length() == 0 ? "" : ", ").append(cls);
            }
            ev.add("the JVM's deadlock detection does not see class-initialization waits (the threads show as RUNNABLE)");
            out.println("CLASS-INITIALIZATION DEADLOCK: threads " + path + " each wait for a class another of them is "
                    + "initialising");
            Kit.verdict("class-init-deadlock", "threads " + quoted(path) + " deadlock initialising classes " + classes
                    + ": each static initializer needs a class whose initializer another of them is running", ev,
                    "break the cycle between the static initializers (a class's <clinit> must not need a class whose "
                    + "<clinit> needs it back): move the shared value into a third class, initialise lazily (a holder "
                    + "class), or initialise both classes from one thread at start-up", classes.toString());
        }
    }

    private static String initialisedBy(Map<String, String> initialiser, String thread) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : initialiser.entrySet()) {
            if (e.getValue().equals(thread)) {
                sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey());
            }
        }
        return sb.length() == 0 ? "?" : sb.toString();
    }

    private static String quoted(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(sb.length() == 0 ? "" : ", ").append('"').append(n).append('"');
        }
        return sb.toString();
    }

    // ---- the graph ----

    private void addEdges(ThreadInfo t) throws Exception {
        Thread.State s = t.getThreadState();
        LockInfo lock = t.getLockInfo();
        if (lock == null || (s != Thread.State.BLOCKED && s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING)) {
            return;
        }
        if (t.getLockOwnerId() >= 0) {
            edges.put(t.getThreadId(), Collections.singletonList(t.getLockOwnerId()));
            edgeKind.put(t.getThreadId(), "held by");
            return;
        }
        if (lock.getClassName().startsWith("java.util.concurrent.locks.ReentrantReadWriteLock$")) {
            List<Long> readers = readHolders(t, lock);
            if (!readers.isEmpty()) {
                edges.put(t.getThreadId(), readers);
                edgeKind.put(t.getThreadId(), "held for reading by");
            }
        }
    }

    /** The threads that hold the read lock {@code t} waits for (it waits to write, or behind a queued writer). */
    private List<Long> readHolders(ThreadInfo t, LockInfo lock) throws Exception {
        Map<Long, Thread> threads = liveThreads();
        Thread waiter = threads.get(t.getThreadId());
        Object sync = Kit.blocker(waiter);
        if (sync == null || System.identityHashCode(sync) != lock.getIdentityHashCode()) {
            return Collections.emptyList(); // it moved on since the dump
        }
        Class<?> syncClass = Class.forName("java.util.concurrent.locks.ReentrantReadWriteLock$Sync");
        if (!syncClass.isInstance(sync)) {
            return Collections.emptyList();
        }
        List<Long> readers = new ArrayList<Long>();
        Thread first = (Thread) kit.field(sync, "firstReader");
        int total = 0;
        if (first != null) {
            readers.add(first.getId());
            total += intOf(kit.field(sync, "firstReaderHoldCount"));
        }
        Object readHolds = kit.field(sync, "readHolds");
        if (readHolds == null) {
            notes.add("the read holds of " + lockName(lock) + " are not readable on this JVM");
            return readers;
        }
        for (Thread th : threads.values()) {
            if (th == first) {
                continue;
            }
            Object map = kit.field(th, "threadLocals");
            Object[] entries = map == null ? null : (Object[]) kit.field(map, "table");
            if (entries == null) {
                continue;
            }
            for (Object e : entries) {
                // read the table only: ThreadLocalMap.getEntry may expunge entries of a map that is not ours
                if (e != null && ((Reference<?>) e).get() == readHolds) {
                    int c = intOf(kit.field(kit.field(e, "value"), "count"));
                    if (c > 0) {
                        readers.add(th.getId());
                        total += c;
                    }
                }
            }
        }
        Object held = kit.call(sync, syncClass, "getReadLockCount");
        if (held instanceof Integer && (Integer) held > total) {
            notes.add(lockName(lock) + " is held for reading " + held + " times, by threads found here only " + total
                    + " times (others may be virtual threads or have ended)");
        }
        return readers;
    }

    private static int intOf(Object o) {
        return o instanceof Integer ? (Integer) o : 0;
    }

    /** Strongly connected components with a cycle (two or more threads, or one waiting for itself), each in wait order. */
    private List<List<Long>> cycles() {
        List<List<Long>> out = new ArrayList<List<Long>>();
        Map<Long, Integer> index = new HashMap<Long, Integer>();
        Map<Long, Integer> low = new HashMap<Long, Integer>();
        List<Long> stack = new ArrayList<Long>();
        Set<Long> onStack = new HashSet<Long>();
        for (Long v : byId.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, index, low, stack, onStack, out);
            }
        }
        return out;
    }

    // Tarjan's algorithm, iterative enough for real graphs: recursion depth is bounded by the longest wait chain.
    private void strongConnect(Long v, Map<Long, Integer> index, Map<Long, Integer> low, List<Long> stack,
                               Set<Long> onStack, List<List<Long>> out) {
        int i = index.size();
        index.put(v, i);
        low.put(v, i);
        stack.add(v);
        onStack.add(v);
        for (Long w : successors(v)) {
            if (!byId.containsKey(w)) {
                continue;
            }
            if (!index.containsKey(w)) {
                strongConnect(w, index, low, stack, onStack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<Long> component = new HashSet<Long>();
            Long w;
            do {
                w = stack.remove(stack.size() - 1);
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1 || successors(v).contains(v)) {
                out.add(order(component));
            }
        }
    }

    /** The component's threads in wait order: each waits for the next, the last for the first. */
    private List<Long> order(Set<Long> component) {
        List<Long> ids = new ArrayList<Long>(component);
        Collections.sort(ids);
        List<Long> ordered = new ArrayList<Long>();
        Long cur = ids.get(0);
        while (cur != null && !ordered.contains(cur)) {
            ordered.add(cur);
            Long next = null;
            for (Long s : successors(cur)) {
                if (component.contains(s) && !ordered.contains(s)) {
                    next = s;
                    break;
                }
            }
            cur = next;
        }
        for (Long id : ids) {
            if (!ordered.contains(id)) {
                ordered.add(id); // more than one cycle through the same threads (read holders)
            }
        }
        return ordered;
    }

    private List<Long> successors(Long v) {
        List<Long> s = edges.get(v);
        return s == null ? Collections.<Long>emptyList() : s;
    }

    // ---- output ----

    private void printCycle(PrintWriter out, int n, List<Long> cycle, Set<Long> jvmDeadlocked) {
        boolean readLock = false;
        for (Long id : cycle) {
            readLock |= "held for reading by".equals(edgeKind.get(id));
        }
        boolean jvmSees = jvmDeadlocked.containsAll(cycle);
        out.println();
        out.println("Deadlock " + n + ": " + cycle.size() + (cycle.size() == 1 ? " thread waits for itself" : " threads")
                + (readLock ? " (involves a read lock of a ReentrantReadWriteLock: invisible to the JVM's own deadlock"
                + " detection, jstack and Arthas)" : jvmSees ? " (the JVM's own detector reports it too)" : ""));
        for (Long id : cycle) {
            ThreadInfo t = byId.get(id);
            out.println("  \"" + t.getThreadName() + "\" (id " + id + ", " + t.getThreadState() + ") holds " + held(t)
                    + " and waits for " + lockName(t.getLockInfo()) + " " + edgeKind.get(id) + " " + names(successors(id), 8));
            if (cycle.size() == 1) {
                out.println("    it holds this lock for reading and asks to write it: a read lock cannot be upgraded");
            }
            stack(out, t, "      ");
        }
        Set<Long> behind = behind(new HashSet<Long>(cycle));
        if (!behind.isEmpty()) {
            out.println("  " + behind.size() + " more threads wait behind this deadlock: " + names(behind, 8));
        }
        verdict(cycle, readLock, jvmSees, behind);
    }

    /** One verdict per cycle: who waits for whom, each wait with the application frame that made it. */
    private void verdict(List<Long> cycle, boolean readLock, boolean jvmSees, Set<Long> behind) {
        List<String> evidence = new ArrayList<String>();
        Set<String> locks = new LinkedHashSet<String>();
        for (Long id : cycle) {
            ThreadInfo t = byId.get(id);
            StackTraceElement app = appFrame(t.getStackTrace());
            locks.add(lockName(t.getLockInfo()));
            evidence.add("\"" + t.getThreadName() + "\" (" + t.getThreadState() + ") holds " + held(t) + " and waits for "
                    + lockName(t.getLockInfo()) + " " + edgeKind.get(id) + " " + names(successors(id), 8)
                    + (app == null ? "" : ", at " + app));
        }
        if (!behind.isEmpty()) {
            evidence.add(behind.size() + " more thread(s) wait behind it: " + names(behind, 8));
        }
        evidence.add(jvmSees ? "the JVM's own detector (ThreadMXBean.findDeadlockedThreads) reports it too"
                : "the JVM's own detector does not see it (a read lock has no owner it could follow)");
        String subject = locks.toString();
        if (cycle.size() == 1) {
            Kit.verdict("deadlock", "thread \"" + byId.get(cycle.get(0)).getThreadName() + "\" holds a read lock of a ReentrantReadWriteLock and asks to write it:"
                    + " it waits for itself, forever", evidence, "release the read lock before taking the write lock (a"
                    + " ReentrantReadWriteLock cannot upgrade a read lock to a write lock), then re-check the state", subject);
        } else {
            Kit.verdict("deadlock", "threads " + names(cycle, 8) + " wait for each other in a cycle"
                    + (readLock ? " through a read lock of a ReentrantReadWriteLock" : "") + ": none of them can go on",
                    evidence, "take the locks in one global order everywhere (or tryLock with a timeout and back off);"
                    + " do not call out to code that may lock while holding a lock", subject);
        }
    }

    /** The first frame outside the JDK: where the application made the wait. */
    private static StackTraceElement appFrame(StackTraceElement[] st) {
        for (StackTraceElement e : st) {
            String c = e.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
                return e;
            }
        }
        return null;
    }

    /** Threads not in {@code targets} whose wait chain reaches one of them. */
    private Set<Long> behind(Set<Long> targets) {
        Set<Long> out = new LinkedHashSet<Long>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Long id : byId.keySet()) {
                if (targets.contains(id) || out.contains(id)) {
                    continue;
                }
                for (Long s : successors(id)) {
                    if (targets.contains(s) || out.contains(s)) {
                        out.add(id);
                        grew = true;
                        break;
                    }
                }
            }
        }
        return out;
    }

    private void printMostBlocking(PrintWriter out, int top) {
        final Map<String, List<ThreadInfo>> waiters = new LinkedHashMap<String, List<ThreadInfo>>();
        for (ThreadInfo t : byId.values()) {
            Thread.State s = t.getThreadState();
            if (t.getLockInfo() == null
                    || (s != Thread.State.BLOCKED && s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING)) {
                continue;
            }
            String key = lockName(t.getLockInfo());
            List<ThreadInfo> list = waiters.get(key);
            if (list == null) {
                list = new ArrayList<ThreadInfo>();
                waiters.put(key, list);
            }
            list.add(t);
        }
        final Map<String, Integer> stuck = new HashMap<String, Integer>();
        for (Map.Entry<String, List<ThreadInfo>> e : waiters.entrySet()) {
            Set<Long> direct = new HashSet<Long>();
            for (ThreadInfo t : e.getValue()) {
                direct.add(t.getThreadId());
            }
            Set<Long> all = new HashSet<Long>(direct);
            all.addAll(behind(direct));
            List<Long> chain = chainOf(e.getValue().get(0).getThreadId());
            all.removeAll(chain.subList(1, chain.size())); // the owners are not stuck on this lock
            stuck.put(e.getKey(), all.size());
        }
        List<String> locks = new ArrayList<String>(waiters.keySet());
        Collections.sort(locks, new Comparator<String>() {
            @Override
            public int compare(String a, String b) {
                int c = stuck.get(b) - stuck.get(a);
                return c != 0 ? c : waiters.get(b).size() - waiters.get(a).size();
            }
        });
        out.println();
        out.println("Most-blocking locks (threads stuck on each, directly or behind a waiter; then the owner chain):");
        int shown = 0;
        for (String lock : locks) {
            List<ThreadInfo> ws = waiters.get(lock);
            ThreadInfo first = ws.get(0);
            boolean owned = edges.containsKey(first.getThreadId());
            if (!owned && ws.size() < 2) {
                continue; // a lone wait without owner is an idle thread, not a blocker
            }
            if (shown++ >= top) {
                break;
            }
            int more = stuck.get(lock) - ws.size();
            out.println("  " + lock + ": " + ws.size() + " waiting " + names(ids(ws), 8)
                    + (more > 0 ? " + " + more + " behind them" : ""));
            if (owned) {
                chain(out, first.getThreadId());
            } else {
                out.println("    no owner (a condition, latch, future or queue): whoever should signal it is not doing so;"
                        + " first waiter:");
                stack(out, first, "      ");
            }
        }
        if (shown == 0) {
            out.println("  none: no lock has an owner that blocks another thread, and no lock has several waiters");
        }
    }

    /** Follows the owners from {@code waiter}: who holds it, what that one waits for, ... to the end or a cycle. */
    private void chain(PrintWriter out, long waiter) {
        List<Long> seen = new ArrayList<Long>();
        seen.add(waiter);
        Long cur = waiter;
        for (int hop = 0; hop < MAX_CHAIN; hop++) {
            List<Long> owners = successors(cur);
            if (owners.isEmpty()) {
                return;
            }
            Long owner = owners.get(0);
            ThreadInfo o = byId.get(owner);
            String prefix = "    " + edgeKind.get(cur) + " " + (o == null ? "thread id " + owner : "\"" + o.getThreadName() + "\"")
                    + (owners.size() > 1 ? " (and " + (owners.size() - 1) + " more readers)" : "");
            if (seen.contains(owner)) {
                out.println(prefix + ", which is back in this chain: DEADLOCK");
                return;
            }
            seen.add(owner);
            if (o == null) {
                out.println(prefix + " (no longer alive)");
                return;
            }
            if (successors(owner).isEmpty()) {
                out.println(prefix + " (" + o.getThreadState() + (o.getLockInfo() != null ? " on "
                        + lockName(o.getLockInfo()) : "") + "), the end of the chain:");
                stack(out, o, "      ");
                return;
            }
            out.println(prefix + " (" + o.getThreadState() + "), which waits for " + lockName(o.getLockInfo()));
            cur = owner;
        }
        out.println("    ... (the chain goes on beyond " + MAX_CHAIN + " threads)");
    }

    /** {@code waiter}, its (first) owner, that one's owner, ... up to a repeat, the end, or MAX_CHAIN hops. */
    private List<Long> chainOf(long waiter) {
        List<Long> seen = new ArrayList<Long>();
        Long cur = waiter;
        while (cur != null && !seen.contains(cur) && seen.size() <= MAX_CHAIN) {
            seen.add(cur);
            List<Long> owners = successors(cur);
            cur = owners.isEmpty() ? null : owners.get(0);
        }
        return seen;
    }

    private static String lockName(LockInfo l) {
        return l == null ? "nothing" : l.getClassName() + "@" + Integer.toHexString(l.getIdentityHashCode());
    }

    private static String held(ThreadInfo t) {
        List<String> h = new ArrayList<String>();
        for (MonitorInfo m : t.getLockedMonitors()) {
            h.add(lockName(m));
        }
        for (LockInfo l : t.getLockedSynchronizers()) {
            h.add(lockName(l));
        }
        return h.isEmpty() ? "no monitor or exclusive lock" : h.toString();
    }

    private static List<Long> ids(List<ThreadInfo> ts) {
        List<Long> ids = new ArrayList<Long>();
        for (ThreadInfo t : ts) {
            ids.add(t.getThreadId());
        }
        return ids;
    }

    private String names(Iterable<Long> ids, int max) {
        StringBuilder sb = new StringBuilder("[");
        int i = 0;
        int total = 0;
        for (Long id : ids) {
            total++;
            if (i < max) {
                ThreadInfo t = byId.get(id);
                sb.append(i++ == 0 ? "" : ", ").append(t == null ? "id " + id : "\"" + t.getThreadName() + "\"");
            }
        }
        return sb.append(total > max ? ", ... " + (total - max) + " more]" : "]").toString();
    }

    private void stack(PrintWriter out, ThreadInfo t, String indent) {
        StackTraceElement[] st = t.getStackTrace();
        MonitorInfo[] monitors = t.getLockedMonitors();
        for (int i = 0; i < st.length && i < depth; i++) {
            out.println(indent + "at " + st[i]);
            if (i == 0 && t.getLockInfo() != null) {
                out.println(indent + "- " + (t.getThreadState() == Thread.State.BLOCKED ? "blocked on " : "waiting on ")
                        + lockName(t.getLockInfo()));
            }
            for (MonitorInfo m : monitors) {
                if (m.getLockedStackDepth() == i) {
                    out.println(indent + "- locked " + lockName(m));
                }
            }
        }
        if (st.length > depth) {
            out.println(indent + "... " + (st.length - depth) + " more");
        }
    }

    // ---- reflection ----

    private static boolean virtualThreadsExist() {
        try {
            Thread.class.getMethod("isVirtual");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private Map<Long, Thread> liveThreads() {
        if (liveThreads == null) {
            liveThreads = new HashMap<Long, Thread>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                liveThreads.put(t.getId(), t);
            }
        }
        return liveThreads;
    }

    private static int intParam(Map<String, String> params, String name, int dflt) {
        try {
            String v = params.get(name);
            return v == null ? dflt : (int) Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
