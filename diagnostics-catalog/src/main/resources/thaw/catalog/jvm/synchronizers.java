// thaw-diagnostic
// {
//   "id": "jvm.synchronizers",
//   "runtime": "hotspot",
//   "title": "Parked threads, their synchronizers, and what could release them",
//   "question": "What does every parked thread wait on (its blocker), in what state is that synchronizer (permits, count, holds, owner, queued threads), which static fields of application classes hold synchronizers or futures, and can anything alive still release, count down or complete what they wait on?",
//   "params": {
//     "type": "object",
//     "properties": {
//       "prefix": {"type": "string", "default": "", "description": "application classes whose static fields are read (name prefix; empty: every class not of the JDK or thaw)"},
//       "max_fields": {"type": "integer", "minimum": 0, "maximum": 5000, "default": 50, "description": "static fields listed"},
//       "max_synchronizers": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 50, "description": "synchronizers listed and judged, those with the most parked threads first"},
//       "depth": {"type": "integer", "minimum": 1, "maximum": 100, "default": 4, "description": "stack frames per waiting group"}
//     },
//     "additionalProperties": false
//   },
//   "mutating": false,
//   "cost": "one Thread.getAllStackTraces() (a safepoint of a few ms per 1000 threads), LockSupport.getBlocker per thread, and the static fields of the application's loaded classes; takes no lock, calls no method of the synchronizers but their lock-free queue reads"
// }
// The blocker of a parked thread is what it passed to LockSupport.park: the Sync of a Semaphore,
// CountDownLatch or ReentrantLock (an AbstractQueuedSynchronizer whose state is the permits, the count
// or the hold count), a ConditionObject (a condition of such a lock, e.g. a queue's notEmpty), a
// FutureTask, a CompletableFuture's Signaller. Verdicts rest on one rule: a synchronizer whose waiters
// wait without a timeout, in a JVM where no other thread is doing application work (every other thread
// with an application frame is itself parked or waiting without a timeout), will never be released:
// nothing alive is in a position to release a permit, count a latch down or complete a future. When other
// threads still have application frames but only pause there (timed waits, no pool task), a synchronizer
// nobody owns is judged from references ("likely"): none of those threads can reach it (no static field, not
// their task nor fields), and no method on their stacks releases anything; only their locals are unseen.
import dev.thaw.agent.Kit;
import dev.thaw.agent.Probe;

import java.io.PrintWriter;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

public class Synchronizers implements Probe {

    private Kit kit;
    private Map<Thread, StackTraceElement[]> stacks;

    @Override
    public void run(Map<String, String> params, PrintWriter out) {
        kit = Kit.forProbe(MethodHandles.lookup());
        int depth = Integer.parseInt(params.get("depth"));
        int maxFields = Integer.parseInt(params.get("max_fields"));
        String maxSyncParam = params.get("max_synchronizers");
        int maxSync = maxSyncParam == null ? 50 : Integer.parseInt(maxSyncParam);
        stacks = Thread.getAllStackTraces();
        Map<Object, List<Thread>> byBlocker = new IdentityHashMap<Object, List<Thread>>();
        List<Object> order = new ArrayList<Object>();
        for (Thread t : stacks.keySet()) {
            if (t == Thread.currentThread() || isThaw(stacks.get(t))) {
                continue;
            }
            Object b = Kit.blocker(t);
            if (b == null) {
                continue;
            }
            if (!byBlocker.containsKey(b)) {
                byBlocker.put(b, new ArrayList<Thread>());
                order.add(b);
            }
            byBlocker.get(b).add(t);
        }
        final Map<Object, List<Thread>> parked = byBlocker;
        java.util.Collections.sort(order, new java.util.Comparator<Object>() {
            @Override
            public int compare(Object a, Object b) {
                return parked.get(b).size() - parked.get(a).size();
            }
        });
        List<Thread> active = activeThreads(byBlocker);
        out.println(byBlocker.size() + " synchronizer(s) with parked threads, of " + stacks.size()
                + " live platform threads (thaw's own left out); " + active.size() + " other thread(s) doing application work"
                + (active.isEmpty() ? "" : ": " + names(active, 5)));
        for (int n = 0; n < order.size(); n++) {
            Object b = order.get(n);
            if (n >= maxSync) {
                out.println();
                out.println("... " + (order.size() - maxSync) + " more synchronizer(s) with parked threads, not listed nor"
                        + " judged (max_synchronizers)");
                break;
            }
            List<Thread> waiters = byBlocker.get(b);
            out.println();
            out.println(kit.describe(b));
            out.println("  parked: " + names(waiters, 10));
            Thread first = waiters.get(0);
            StackTraceElement[] st = stacks.get(first);
            StackTraceElement app = appFrame(st);
            if (app != null) {
                out.println("  waiting in " + jdkCall(st) + " called from " + app);
            }
            for (int i = 0; st != null && i < Math.min(depth, st.length); i++) {
                out.println("      at " + st[i]);
            }
            judge(b, waiters, active, app);
        }
        staticFields(out, params.get("prefix"), maxFields, byBlocker);
        Kit.report(out, "no synchronizer with parked threads while other threads still do application work, or none parked");
    }

    /** Threads not parked forever that are in application code: those could still release something. */
    private List<Thread> activeThreads(Map<Object, List<Thread>> byBlocker) {
        List<Thread> res = new ArrayList<Thread>();
        for (Map.Entry<Thread, StackTraceElement[]> e : stacks.entrySet()) {
            Thread t = e.getKey();
            if (t == Thread.currentThread() || appFrame(e.getValue()) == null) {
                continue;
            }
            Thread.State s = t.getState();
            if (s == Thread.State.RUNNABLE || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) {
                res.add(t);
            }
        }
        return res;
    }

    private void judge(Object blocker, List<Thread> waiters, List<Thread> active, StackTraceElement app) {
        for (Thread w : waiters) {
            if (w.getState() != Thread.State.WAITING) {
                return; // a timed wait ends by itself
            }
        }
        Object sync = kit.owningSynchronizer(blocker);
        String cls = sync.getClass().getName();
        String subject = Kit.id(sync);
        List<String> ev = new ArrayList<String>();
        ev.add(names(waiters, 5) + " parked without a timeout on " + kit.describe(blocker)
                + (app != null ? ", from " + app : ""));
        String likely = "";
        if (active.isEmpty()) {
            ev.add("no other thread is doing application work: every thread with an application frame is parked or "
                    + "waits without a timeout, so nothing alive can release it");
        } else {
            // Others still run application code: they can release it only through a reference to it. Judged for
            // the synchronizers nobody owns (a latch, a semaphore, a condition's waiters), not for futures.
            if (!(sync instanceof AbstractQueuedSynchronizer) || kit.call(sync,
                    java.util.concurrent.locks.AbstractOwnableSynchronizer.class, "getExclusiveOwnerThread") != null || cls.contains("ReentrantLock") || cls.contains("ReentrantReadWriteLock")) {
                return;
            }
            if (!onlyPausedOutsidePools(active)) {
                return; // a thread at work, or running a pool's task (held in locals only): it may release it
            }
            String path = new References(kit, blocker, sync).reachedFrom(active, waiters);
            if (path != null) {
                return;
            }
            String releasing = releasingFrame(active);
            if (releasing != null) {
                return; // a method on their stacks releases something: the wait may be about to end
            }
            ev.add(names(active, 5) + " still run application code, but only pause there (a timed wait or sleep) and "
                    + "none of them references it: it is in no static field of an application class (nor in anything "
                    + "one holds, as far as was followed), not in the task or fields of those threads, and no method on "
                    + "their stacks calls countDown, release or signal (javap); only a local variable of one of their "
                    + "frames could still hold it");
            String ended = endedSince(waiters);
            if (ended != null) {
                ev.add(ended);
            }
            likely = " (likely: judged from references, not from the threads' local variables)";
        }
        if (cls.startsWith("java.util.concurrent.Semaphore$")) {
            Kit.verdict("leaked-permit", "the Semaphore " + subject + " has no permit left and no live thread will "
                    + "release one: a permit was acquired and never released" + likely, ev,
                    "release in a finally block (try { ... } finally { sem.release(); }); a path that returns or "
                    + "throws between acquire and release leaks the permit", subject);
        } else if (cls.startsWith("java.util.concurrent.CountDownLatch$")) {
            Kit.verdict("latch-never-counted-down", "the CountDownLatch " + subject + " still counts "
                    + kit.call(sync, AbstractQueuedSynchronizer.class, "getState") + " and no live thread can count it "
                    + "down: the threads that should have died or skipped countDown()" + likely, ev,
                    "count down in a finally block; await with a timeout; check the thread that should count down "
                    + "for an exception swallowed by its executor (Future.get never called)", subject);
        } else if (blocker instanceof Future || cls.startsWith("java.util.concurrent.CompletableFuture$Signaller")) {
            Kit.verdict("nothing-will-complete", names(waiters, 3) + " wait on a future that nothing alive can "
                    + "complete", ev, "complete futures on every path (completeExceptionally in a catch/finally), "
                    + "and get() with a timeout", subject);
        } else if (sync instanceof AbstractQueuedSynchronizer) {
            Object owner = kit.call(sync, java.util.concurrent.locks.AbstractOwnableSynchronizer.class,
                    "getExclusiveOwnerThread");
            if (owner == null && !cls.contains("ReentrantLock") && !cls.contains("ReentrantReadWriteLock")) {
                Kit.verdict("nothing-will-signal", names(waiters, 3) + " wait on " + subject
                        + " and no live thread can signal it" + likely, ev,
                        "make sure the producer is alive (it may have died with an exception), and wait with a timeout",
                        subject);
            }
        }
    }

    /**
     * Every active thread is in a timed wait (not RUNNABLE nor BLOCKED: those are at work) and runs no task of
     * a pool (a pool worker's current task is held only in its locals, out of reach of the reference check).
     */
    private boolean onlyPausedOutsidePools(List<Thread> active) {
        for (Thread t : active) {
            if (t.getState() != Thread.State.TIMED_WAITING) {
                return false;
            }
            StackTraceElement[] st = stacks.get(t);
            for (int i = 0; st != null && i < st.length; i++) {
                String c = st[i].getClassName();
                if (c.startsWith("java.util.concurrent.") && (c.contains("ThreadPoolExecutor") || c.contains("ForkJoin")
                        || c.equals("java.util.concurrent.FutureTask"))) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The first application frame of an active thread whose method calls countDown, release(Shared) or
     * signal(All) (from its bytecode, through javap), or a reason it could not be checked (no javap: then no
     * verdict); null when none does.
     */
    private String releasingFrame(List<Thread> active) {
        Map<String, String> code = new java.util.HashMap<String, String>();
        for (Thread t : active) {
            StackTraceElement[] st = stacks.get(t);
            for (int i = 0; st != null && i < st.length; i++) {
                String c = st[i].getClassName();
                if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("dev.thaw.agent.")) {
                    continue;
                }
                String key = c + "." + st[i].getMethodName();
                if (!code.containsKey(key)) {
                    Class<?> cls = loaded(c, t);
                    code.put(key, cls == null ? "" : Kit.disassemble(cls, " " + st[i].getMethodName() + "("));
                }
                String text = code.get(key);
                if (text.startsWith("no javap") || text.startsWith("javap failed")) {
                    return text;
                }
                if (text.contains(".countDown:(") || text.contains(".release:(") || text.contains(".releaseShared:(")
                        || text.contains(".signal:(") || text.contains(".signalAll:(")) {
                    return st[i].toString();
                }
            }
        }
        return null;
    }

    private static Class<?> loaded(String name, Thread t) {
        for (Class<?> c : Kit.classes(name)) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /**
     * Threads created after the first waiter that are gone: Java thread ids are handed out in creation
     * order, so an id between the waiter's and the newest live thread's that no live thread has belongs to
     * a thread that ended (or was never started). JVM-internal and thaw's own threads take ids too.
     */
    private String endedSince(List<Thread> waiters) {
        long first = Long.MAX_VALUE;
        for (Thread w : waiters) {
            first = Math.min(first, w.getId());
        }
        java.util.Set<Long> live = new java.util.HashSet<Long>();
        long newest = first;
        for (Thread t : stacks.keySet()) {
            live.add(t.getId());
            newest = Math.max(newest, t.getId());
        }
        int gone = 0;
        for (long id = first + 1; id < newest && id - first < 1000000; id++) {
            if (!live.contains(id)) {
                gone++;
            }
        }
        long mxEnded = -1;
        try {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            mxEnded = mx.getTotalStartedThreadCount() - mx.getThreadCount();
        } catch (Throwable e) {
            mxEnded = -1;
        }
        if (gone == 0) {
            return null;
        }
        return gone + " thread id(s) handed out after " + Kit.name(waiters.get(0)) + " (#" + first + ") belong to no "
                + "live thread: threads created since then have ended" + (mxEnded >= 0 ? " (" + mxEnded
                + " thread(s) ended in this JVM in all)" : "") + "; if one of them was to release it, it ended "
                + "without doing so (jvm.threads tells whether an uncaught-exception handler swallowed a death)";
    }

    /**
     * Whether a live thread that is not waiting on a synchronizer can reach it: through a static field of
     * an application class (any code can), or through the thread's own task (its Runnable, with a lambda's
     * captured values) and, for a Thread subclass, its fields. Follows object fields, array and collection
     * elements to a bounded depth; does not step into other Thread objects (a waiter or a dead thread
     * releases nothing), nor classes and class loaders. Too much to follow counts as reached: no verdict.
     */
    private static final class References {
        private static final int DEPTH = 6;
        private static final int MAX_OBJECTS = 50000;
        private final Kit kit;
        private final Object blocker;
        private final Object sync;
        private final Map<Object, Boolean> seen = new IdentityHashMap<Object, Boolean>();

        References(Kit kit, Object blocker, Object sync) {
            this.kit = kit;
            this.blocker = blocker;
            this.sync = sync;
        }

        /** A description of where a reference was found, or null when none was. */
        String reachedFrom(List<Thread> active, List<Thread> waiters) {
            List<Object[]> level = new ArrayList<Object[]>();
            for (Kit.StaticField f : Kit.staticFields("")) {
                level.add(new Object[]{f.value, f.owner.getName() + "." + f.name});
            }
            for (Thread t : active) {
                Object task = kit.field(t, "target");
                if (task == null) {
                    task = kit.field(kit.field(t, "holder"), "task"); // JDK 21+: Thread.FieldHolder.task
                }
                if (task != null) {
                    level.add(new Object[]{task, "the task of " + Kit.name(t)});
                }
                if (!isJdk(t.getClass())) {
                    for (Object[] f : fields(t)) {
                        level.add(new Object[]{f[0], Kit.name(t) + "." + f[1]});
                    }
                }
            }
            for (int d = 0; d < DEPTH && !level.isEmpty(); d++) {
                List<Object[]> next = new ArrayList<Object[]>();
                for (Object[] e : level) {
                    Object o = e[0];
                    if (o == null || seen.put(o, Boolean.TRUE) != null) {
                        continue;
                    }
                    if (seen.size() > MAX_OBJECTS) {
                        return "more than " + MAX_OBJECTS + " objects to follow";
                    }
                    if (o == blocker || o == sync || kit.field(o, "sync") == sync) {
                        return (String) e[1];
                    }
                    if (o instanceof Thread || o instanceof Class || o instanceof ClassLoader
                            || o instanceof String || o instanceof Number || o.getClass().isPrimitive()) {
                        continue;
                    }
                    for (Object child : children(o)) {
                        next.add(new Object[]{child, e[1]});
                    }
                }
                level = next;
            }
            return null;
        }

        private List<Object> children(Object o) {
            List<Object> res = new ArrayList<Object>();
            try {
                if (o instanceof Object[]) {
                    Object[] a = (Object[]) o;
                    for (int i = 0; i < a.length && i < 10000; i++) {
                        res.add(a[i]);
                    }
                } else if (o instanceof java.util.Collection && isJdk(o.getClass())) {
                    int n = 0;
                    for (Object x : (java.util.Collection<?>) o) {
                        res.add(x);
                        if (++n >= 10000) {
                            break;
                        }
                    }
                } else if (o instanceof Map && isJdk(o.getClass())) {
                    int n = 0;
                    for (Map.Entry<?, ?> x : ((Map<?, ?>) o).entrySet()) {
                        res.add(x.getKey());
                        res.add(x.getValue());
                        if (++n >= 10000) {
                            break;
                        }
                    }
                } else {
                    for (Object[] f : fields(o)) {
                        res.add(f[0]);
                    }
                }
            } catch (RuntimeException e) {
                // changed while read: what was read so far
            }
            return res;
        }

        /** The reference-typed instance fields of o (its class and superclasses) that could be read. */
        private List<Object[]> fields(Object o) {
            List<Object[]> res = new ArrayList<Object[]>();
            for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                if (o instanceof Thread && c == Thread.class) {
                    break;
                }
                try {
                    for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                        if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                            continue;
                        }
                        Object v = kit.field(o, f.getName());
                        if (v != null) {
                            res.add(new Object[]{v, f.getName()});
                        }
                    }
                } catch (Throwable e) {
                    continue;
                }
            }
            return res;
        }

        private static boolean isJdk(Class<?> c) {
            String n = c.getName();
            return n.startsWith("java.") || n.startsWith("jdk.") || n.startsWith("sun.");
        }
    }

    /** Static fields of application classes holding synchronizers or futures. */
    private void staticFields(PrintWriter out, String prefix, int max, Map<Object, List<Thread>> byBlocker) {
        List<Kit.StaticField> hits = new ArrayList<Kit.StaticField>();
        for (Kit.StaticField f : Kit.staticFields(prefix == null ? "" : prefix)) {
            Object v = f.value;
            if (v instanceof java.util.concurrent.Semaphore || v instanceof java.util.concurrent.CountDownLatch
                    || v instanceof java.util.concurrent.locks.Lock || v instanceof java.util.concurrent.locks.ReadWriteLock
                    || v instanceof Future || v instanceof java.util.concurrent.CyclicBarrier
                    || v instanceof java.util.concurrent.Phaser || v instanceof java.util.concurrent.BlockingQueue) {
                hits.add(f);
            }
        }
        out.println();
        out.println(hits.size() + " static field(s) of application classes hold synchronizers, queues or futures"
                + (hits.isEmpty() ? "" : ":"));
        for (int i = 0; i < Math.min(max, hits.size()); i++) {
            Kit.StaticField f = hits.get(i);
            Object inner = kit.field(f.value, "sync");
            out.println("  " + f.owner.getName() + "." + f.name + " = " + kit.describe(f.value)
                    + (inner != null ? " -> " + kit.describe(inner) : stateOf(f.value)));
        }
        if (hits.size() > max) {
            out.println("  ... " + (hits.size() - max) + " more (max_fields)");
        }
    }

    private String stateOf(Object v) {
        if (v instanceof CompletableFuture) {
            return "";
        }
        if (v instanceof Future) {
            return ((Future<?>) v).isDone() ? " (done)" : " (not done)";
        }
        return "";
    }

    /** thaw's own agent threads (its watcher, this probe's runner): not the application's. */
    private static boolean isThaw(StackTraceElement[] st) {
        if (st != null) {
            for (StackTraceElement e : st) {
                if (e.getClassName().startsWith("dev.thaw.agent.")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static StackTraceElement appFrame(StackTraceElement[] st) {
        if (st == null) {
            return null;
        }
        for (StackTraceElement e : st) {
            String c = e.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.") && !c.startsWith("dev.thaw.agent.")) {
                return e;
            }
        }
        return null;
    }

    private static String jdkCall(StackTraceElement[] st) {
        String last = "?";
        for (StackTraceElement e : st) {
            String c = e.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
                break;
            }
            if (!c.startsWith("java.util.concurrent.locks.LockSupport") && !c.startsWith("jdk.internal.misc.Unsafe")
                    && !c.startsWith("sun.misc.Unsafe")) {
                last = c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName() + "()";
            }
        }
        return last;
    }

    private static String names(List<Thread> ts, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ts.size() && i < max; i++) {
            sb.append(i == 0 ? "" : ", ").append(Kit.name(ts.get(i)));
        }
        if (ts.size() > max) {
            sb.append(" and ").append(ts.size() - max).append(" more");
        }
        return sb.toString();
    }
}
