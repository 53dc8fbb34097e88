// thaw-diagnostic
// {
//   "id": "jvm.executors",
//   "runtime": "hotspot",
//   "title": "Thread pools reachable from live threads, their queues and whether they starve",
//   "question": "Which ThreadPoolExecutors, ScheduledThreadPoolExecutors and ForkJoinPools have live workers, how big are they, what is queued in them, what are their workers doing, and is any pool starved (every worker waits while tasks are queued)?",
//   "params": {
//     "type": "object",
//     "properties": {
//       "tasks": {"type": "integer", "minimum": 0, "maximum": 200, "default": 10, "description": "queued tasks to list per executor"},
//       "depth": {"type": "integer", "minimum": 1, "maximum": 100, "default": 6, "description": "stack frames per group of workers"},
//       "max_executors": {"type": "integer", "minimum": 1, "maximum": 500, "default": 30, "description": "executors to show"}
//     },
//     "additionalProperties": false
//   },
//   "mutating": false,
//   "cost": "one Thread.getAllStackTraces() (a safepoint of a few ms per 1000 threads), then reflection only: no lock of the application or of the pools is taken; queues are read without their locks (a racing queue may be seen one task off)"
// }
// Finds executors through their live threads: a ForkJoinWorkerThread says its pool; a ThreadPoolExecutor
// worker thread runs a ThreadPoolExecutor$Worker (Thread.target, or Thread.holder.task on JDK 19+; one
// wrapping Runnable of a thread factory is looked through), whose this$0 is the pool. Reflection into
// java.base needs its packages opened to this probe on JDK 16+: dev.thaw.agent.Access does that, for this
// probe's class loader only. What cannot be read on some JDK is said in a note instead.
//
// Pool sizes, counts and queues are read from fields, never through the getters that take the pool's
// mainLock or the queue's lock (a frozen JVM may have a thread stuck holding it). Queued tasks are named by
// what they run: a FutureTask's callable, a RunnableAdapter's task, a CompletableFuture stage's function;
// a lambda is named by the class that wrote it.
import dev.thaw.agent.Kit;
import dev.thaw.agent.Probe;

import java.io.PrintWriter;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

public class ReachableExecutors implements Probe {

    private static final int COUNT_MASK = (1 << 29) - 1; // ThreadPoolExecutor.ctl: low 29 bits count workers
    private static final int SCAN_LIMIT = 1000000;

    private int maxTasks;
    private int depth;
    private final Set<String> notes = new LinkedHashSet<String>();
    private Class<?> workerClass;
    private Kit kit;

    /** One executor and the live threads working for it. */
    static final class Pool {
        final Object executor;
        final List<Thread> threads = new ArrayList<Thread>();
        final List<Object> workers = new ArrayList<Object>(); // ThreadPoolExecutor$Worker, parallel to threads
        final List<String> lines = new ArrayList<String>();
        String verdict;
        long queued;
        /** Workers waiting inside a task without a timeout (WAITING or BLOCKED), what they wait on, where. */
        int untimed;
        final List<Object> blockers = new ArrayList<Object>();
        final List<String> waits = new ArrayList<String>();
        /** The first queued tasks as read (identity), to tell a worker waiting for a task queued behind it. */
        final List<Object> queuedTasks = new ArrayList<Object>();

        Pool(Object executor) {
            this.executor = executor;
        }
    }

    @Override
    public void run(Map<String, String> params, PrintWriter out) {
        maxTasks = intParam(params, "tasks", 10);
        depth = intParam(params, "depth", 6);
        int maxExecutors = intParam(params, "max_executors", 30);
        kit = Kit.forProbe(MethodHandles.lookup());
        try {
            workerClass = Class.forName("java.util.concurrent.ThreadPoolExecutor$Worker");
        } catch (Throwable e) {
            notes.add("no ThreadPoolExecutor$Worker class in this JDK: thread pools other than ForkJoinPools cannot be found");
        }

        final Map<Thread, StackTraceElement[]> stacks = Thread.getAllStackTraces();
        List<Thread> threads = new ArrayList<Thread>(stacks.keySet());
        Collections.sort(threads, new Comparator<Thread>() {
            @Override
            public int compare(Thread a, Thread b) {
                return a.getName().compareTo(b.getName());
            }
        });
        Map<Object, Pool> pools = new IdentityHashMap<Object, Pool>();
        List<Pool> order = new ArrayList<Pool>();
        for (Thread t : threads) {
            try {
                Object executor = null;
                Object worker = null;
                if (t instanceof ForkJoinWorkerThread) {
                    executor = ((ForkJoinWorkerThread) t).getPool();
                } else {
                    worker = findWorker(runnableOf(t), 2);
                    if (worker != null) {
                        executor = read(worker, "this$0");
                    }
                }
                if (executor == null) {
                    continue;
                }
                Pool p = pools.get(executor);
                if (p == null) {
                    p = new Pool(executor);
                    pools.put(executor, p);
                    order.add(p);
                }
                p.threads.add(t);
                p.workers.add(worker);
            } catch (Throwable e) {
                notes.add("thread \"" + t.getName() + "\": " + e);
            }
        }

        for (Pool p : order) {
            try {
                if (p.executor instanceof ForkJoinPool) {
                    describeForkJoin(p, stacks);
                } else if (p.executor instanceof ThreadPoolExecutor) {
                    describeThreadPool(p, stacks);
                } else {
                    p.lines.add("  (an executor of an unknown kind)");
                }
            } catch (Throwable e) {
                p.lines.add("  could not read this executor: " + e);
            }
        }
        Collections.sort(order, new Comparator<Pool>() {
            @Override
            public int compare(Pool a, Pool b) {
                if ((a.verdict != null) != (b.verdict != null)) {
                    return a.verdict != null ? -1 : 1;
                }
                return Long.compare(b.queued, a.queued);
            }
        });

        boolean virtualThreads = false;
        try {
            Thread.class.getMethod("isVirtual");
            virtualThreads = true;
        } catch (NoSuchMethodException e) {
            // before JDK 19
        }
        out.println(order.size() + " executors reachable from " + threads.size() + " live platform threads"
                + " (found through their worker threads: a pool without a live worker is not seen"
                + (virtualThreads ? "; executors of virtual threads are listed by jvm.virtual_threads" : "") + ").");
        int starving = 0;
        for (Pool p : order) {
            if (p.verdict != null) {
                starving++;
            }
        }
        if (starving > 0) {
            out.println(starving + (starving == 1 ? " executor is" : " executors are") + " STARVED:");
            for (Pool p : order) {
                if (p.verdict != null) {
                    out.println("  " + name(p.executor) + ": " + p.verdict);
                }
            }
        }
        int shown = 0;
        for (Pool p : order) {
            if (shown++ >= maxExecutors) {
                out.println();
                out.println("... " + (order.size() - maxExecutors) + " more executors (raise max_executors)");
                break;
            }
            out.println();
            out.println(name(p.executor) + (p.verdict != null ? "  <- " + p.verdict : ""));
            for (String l : p.lines) {
                out.println(l);
            }
        }
        for (String n : notes) {
            out.println("note: " + n);
        }
        for (Pool p : order) {
            verdict(p);
        }
        Kit.report(out, order.size() + " executor(s): none has every worker waiting without a timeout inside a task"
                + " while tasks are queued");
    }

    /**
     * pool-starvation: every worker waits, without a timeout, for a task queued in this same pool (a task
     * waiting for a task behind it: it can never run). pool-saturated: every worker waits without a timeout
     * inside a task while tasks are queued: nothing queued can start until one of those waits ends.
     * A worker in a timed wait, running, or idle draws neither.
     */
    private void verdict(Pool p) {
        if (p.verdict == null || p.untimed != p.threads.size()) {
            return;
        }
        int onQueued = 0;
        for (Object b : p.blockers) {
            for (Object q : p.queuedTasks) {
                if (q == b) {
                    onQueued++;
                    break;
                }
            }
        }
        String subject = Kit.id(p.executor);
        List<String> evidence = new ArrayList<String>();
        evidence.add(p.untimed + " of " + p.threads.size() + " workers wait without a timeout inside a task, while "
                + p.queued + " task(s) are queued");
        evidence.addAll(p.waits);
        if (onQueued == p.blockers.size() && onQueued == p.threads.size()) {
            evidence.add("each waits on a future whose task is itself queued in this pool, behind the waiting tasks");
            Kit.verdict("pool-starvation", "every worker of " + subject + " waits for a task queued in the same pool: "
                    + "no worker will ever be free to run it (deadlock)", evidence, "run the inner tasks in a separate "
                    + "pool, or do not block inside a task on work submitted to the same pool (compose futures "
                    + "instead); a ForkJoinPool task should fork/join rather than get()", subject);
        } else {
            Kit.verdict("pool-saturated", "every worker of " + subject + " is blocked without a timeout inside a task: "
                    + "the " + p.queued + " queued task(s) cannot start until one of those waits ends", evidence,
                    "find what the workers wait for (above): if it is work queued in this pool, use a separate pool;"
                    + " give waits inside tasks a timeout; size the pool for blocking tasks", subject);
        }
    }

    // ---- ThreadPoolExecutor ----

    private void describeThreadPool(Pool p, Map<Thread, StackTraceElement[]> stacks) {
        ThreadPoolExecutor tpe = (ThreadPoolExecutor) p.executor;
        String size = "?";
        try {
            size = String.valueOf(((AtomicInteger) read(tpe, "ctl")).get() & COUNT_MASK);
        } catch (Throwable e) {
            notes.add("pool size not readable (ThreadPoolExecutor.ctl): " + e);
        }
        int active = 0;
        long completed = 0;
        boolean countsRead = true;
        for (Object w : p.workers) {
            try {
                if (Boolean.TRUE.equals(kit.call(w, workerClass, "isLocked"))) {
                    active++;
                }
                completed += (Long) read(w, "completedTasks");
            } catch (Throwable e) {
                countsRead = false;
                notes.add("worker state not readable (ThreadPoolExecutor$Worker): " + e);
            }
        }
        String largest = "?";
        try {
            completed += (Long) read(tpe, "completedTaskCount");
            largest = String.valueOf(read(tpe, "largestPoolSize"));
        } catch (Throwable e) {
            countsRead = false;
            notes.add("pool counters not readable (ThreadPoolExecutor fields): " + e);
        }
        String state = tpe.isTerminated() ? "terminated" : tpe.isTerminating() ? "shutting down"
                : tpe.isShutdown() ? "shut down" : "running";
        p.lines.add("  size " + size + " (core " + tpe.getCorePoolSize() + ", max " + tpe.getMaximumPoolSize()
                + ", largest " + largest + "), active " + (countsRead ? String.valueOf(active) : "?")
                + ", completed " + (countsRead ? String.valueOf(completed) : "?") + ", " + state);
        QueueView q = queue(tpe.getQueue());
        p.queued = Math.max(q.size, 0);
        p.queuedTasks.addAll(q.first);
        q.render(p.lines);
        int waiting = workers(p, stacks, "java.util.concurrent.ThreadPoolExecutor.getTask");
        if (waiting > 0 && waiting == p.threads.size() && q.size > 0) {
            p.verdict = "starvation: all " + waiting + " workers wait while " + q.size + " tasks are queued";
            if (p.threads.size() < tpe.getMaximumPoolSize()) {
                p.verdict += " (the pool adds workers beyond its core size only when its queue is full)";
            }
        }
    }

    // ---- ForkJoinPool ----

    private void describeForkJoin(Pool p, Map<Thread, StackTraceElement[]> stacks) {
        ForkJoinPool fj = (ForkJoinPool) p.executor;
        boolean common = fj == ForkJoinPool.commonPool();
        long tasks = fj.getQueuedTaskCount();
        int submissions = fj.getQueuedSubmissionCount();
        p.queued = tasks + submissions;
        String state = fj.isTerminated() ? "terminated" : fj.isTerminating() ? "shutting down"
                : fj.isShutdown() ? "shut down" : "running";
        boolean carriers = false;
        for (Thread t : p.threads) {
            carriers |= t.getClass().getName().equals("jdk.internal.misc.CarrierThread");
        }
        p.lines.add("  " + (common ? "the common pool; " : "") + (carriers ? "a scheduler of virtual threads (its workers"
                + " are their carriers, its tasks virtual threads ready to run); " : "") + "parallelism " + fj.getParallelism() + ", size "
                + fj.getPoolSize() + ", active " + fj.getActiveThreadCount() + ", running " + fj.getRunningThreadCount()
                + ", steals " + fj.getStealCount() + ", " + state);
        p.lines.add("  queued: " + tasks + " tasks in worker queues, " + submissions + " submissions");
        if (p.queued > 0 && maxTasks > 0) {
            try {
                List<Object> found = forkJoinTasks(fj);
                p.queuedTasks.addAll(found);
                for (int i = 0; i < found.size(); i++) {
                    p.lines.add("    " + (i + 1) + ". " + taskName(found.get(i)));
                }
                if (found.size() < p.queued) {
                    p.lines.add("    ... " + (p.queued - found.size()) + " more");
                }
            } catch (Throwable e) {
                p.lines.add("    (tasks not readable: " + e + ")");
            }
        }
        int waiting = workers(p, stacks, "java.util.concurrent.ForkJoinPool.awaitWork");
        if (waiting > 0 && waiting == p.threads.size() && p.queued > 0) {
            p.verdict = "starvation: all " + waiting + " workers wait while " + p.queued + " tasks are queued";
        }
    }

    /** Up to maxTasks tasks from the pool's work queues, read without taking anything out. */
    private List<Object> forkJoinTasks(ForkJoinPool fj) throws Exception {
        List<Object> found = new ArrayList<Object>();
        Object[] queues = (Object[]) readFirst(fj, "queues", "workQueues");
        if (queues == null) {
            return found;
        }
        int scanned = 0;
        for (Object q : queues) {
            if (q == null) {
                continue;
            }
            Object[] array = (Object[]) read(q, "array");
            if (array == null) {
                continue;
            }
            for (Object task : array) {
                if (++scanned > SCAN_LIMIT || found.size() >= maxTasks) {
                    return found;
                }
                if (task != null) {
                    found.add(task);
                }
            }
        }
        return found;
    }

    // ---- workers ----

    /**
     * Lists the pool's workers, grouped by what they do, and returns how many wait inside a task (blocked,
     * waiting or timed waiting, and not idle in {@code idleFrame}, where a worker waits for work).
     */
    private int workers(Pool p, Map<Thread, StackTraceElement[]> stacks, String idleFrame) {
        Map<String, List<Thread>> groups = new LinkedHashMap<String, List<Thread>>();
        Map<String, StackTraceElement[]> groupStack = new LinkedHashMap<String, StackTraceElement[]>();
        Map<String, Set<String>> groupBlockers = new LinkedHashMap<String, Set<String>>();
        int waitingInTask = 0;
        for (Thread t : p.threads) {
            StackTraceElement[] st = stacks.get(t);
            if (st == null) {
                st = new StackTraceElement[0];
            }
            Thread.State s = t.getState();
            boolean idle = contains(st, idleFrame);
            boolean waits = s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
            Object blocker = idle || !waits ? null : Kit.blocker(t);
            String key;
            if (idle) {
                key = s + ", idle (waiting for work)";
            } else {
                if (waits) {
                    waitingInTask++;
                }
                if (s == Thread.State.WAITING || s == Thread.State.BLOCKED) {
                    p.untimed++;
                    if (blocker != null) {
                        p.blockers.add(blocker);
                    }
                    if (p.waits.size() < 3) {
                        p.waits.add("\"" + t.getName() + "\" " + s + (blocker == null ? "" : " on " + Kit.id(blocker))
                                + waitsIn(st));
                    }
                }
                boolean carrying = st.length > 0 && (st[0].getClassName() + "." + st[0].getMethodName())
                        .equals("jdk.internal.vm.Continuation.run");
                key = s + (carrying ? ", carrying a mounted virtual thread" + (waits ? " that waits: PINNED" : "")
                        + " (its stack: jvm.virtual_threads)" : waits ? "" : ", running a task") + "|" + (blocker == null ? "" : blocker.getClass().getName())
                        + "|" + frames(st, depth);
            }
            if (!groups.containsKey(key)) {
                groups.put(key, new ArrayList<Thread>());
                groupStack.put(key, st);
                groupBlockers.put(key, new LinkedHashSet<String>());
            }
            groups.get(key).add(t);
            if (blocker != null) {
                groupBlockers.get(key).add(blocker.getClass().getName() + "@"
                        + Integer.toHexString(System.identityHashCode(blocker)));
            }
        }
        p.lines.add("  workers (" + p.threads.size() + " live):");
        for (Map.Entry<String, List<Thread>> g : groups.entrySet()) {
            List<Thread> ts = g.getValue();
            String key = g.getKey();
            if (!key.contains("|")) {
                p.lines.add("    " + (ts.size() == 1 ? "" : ts.size() + " x ") + names(ts, 6) + " " + key);
                continue;
            }
            StackTraceElement[] st = groupStack.get(key);
            Set<String> blockers = groupBlockers.get(key);
            String on = "";
            if (blockers.size() == 1) {
                on = " on " + blockers.iterator().next();
            } else if (blockers.size() > 1) {
                String b = key.split("\\|", -1)[1];
                on = " on " + blockers.size() + " different " + b;
            }
            p.lines.add("    " + (ts.size() == 1 ? "" : ts.size() + " x ") + names(ts, 6) + " " + key.substring(0, key.indexOf('|'))
                    + on + waitsIn(st));
            for (int i = 0; i < st.length && i < depth; i++) {
                p.lines.add("        at " + st[i]);
            }
            if (st.length > depth) {
                p.lines.add("        ... " + (st.length - depth) + " more");
            }
        }
        return waitingInTask;
    }

    /** ", in FutureTask.get() called from app.Foo.bar(Foo.java:12)": the JDK method the first application frame called. */
    private static String waitsIn(StackTraceElement[] st) {
        for (int i = 0; i < st.length; i++) {
            if (!isJdkName(st[i].getClassName())) {
                if (i == 0) {
                    return ", at " + st[i];
                }
                StackTraceElement api = st[i - 1];
                return ", in " + simple(api.getClassName()) + "." + api.getMethodName() + "() called from " + st[i];
            }
        }
        return "";
    }

    private static boolean contains(StackTraceElement[] st, String frame) {
        for (StackTraceElement e : st) {
            if ((e.getClassName() + "." + e.getMethodName()).equals(frame)) {
                return true;
            }
        }
        return false;
    }

    private static String frames(StackTraceElement[] st, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < st.length && i < n; i++) {
            sb.append(st[i]).append(';');
        }
        return sb.toString();
    }

    private static String names(List<Thread> ts, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ts.size() && i < max; i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(ts.get(i).getName()).append('"');
        }
        if (ts.size() > max) {
            sb.append(", ... ").append(ts.size() - max).append(" more");
        }
        return sb.toString();
    }

    // ---- queues ----

    /** A queue as read without its lock: its size (-1 when unknown) and its first tasks. */
    final class QueueView {
        final String kind;
        int size = -1;
        String order = "";
        final List<Object> first = new ArrayList<Object>();
        String note;
        int remaining = -1;

        QueueView(Object q) {
            this.kind = q.getClass().getName();
        }

        void render(List<String> lines) {
            lines.add("  queue " + kind + ": " + (size < 0 ? "size unknown" : size + (size == 1 ? " task" : " tasks"))
                    + (remaining >= 0 && remaining != Integer.MAX_VALUE - size ? ", room for " + remaining + " more" : "")
                    + order + (note == null ? "" : " (" + note + ")"));
            for (int i = 0; i < first.size(); i++) {
                lines.add("    " + (i + 1) + ". " + taskName(first.get(i)));
            }
            if (size > first.size() && !first.isEmpty()) {
                lines.add("    ... " + (size - first.size()) + " more");
            }
        }
    }

    private QueueView queue(Object q) {
        QueueView v = new QueueView(q);
        String k = v.kind;
        try {
            if (k.equals("java.util.concurrent.LinkedBlockingQueue")) {
                v.size = ((AtomicInteger) read(q, "count")).get();
                v.remaining = (Integer) read(q, "capacity") - v.size;
                walk(read(read(q, "head"), "next"), v);
            } else if (k.equals("java.util.concurrent.LinkedBlockingDeque")) {
                v.size = (Integer) read(q, "count");
                v.remaining = (Integer) read(q, "capacity") - v.size;
                walk(read(q, "first"), v);
            } else if (k.equals("java.util.concurrent.ArrayBlockingQueue")) {
                Object[] items = (Object[]) read(q, "items");
                int take = (Integer) read(q, "takeIndex");
                v.size = (Integer) read(q, "count");
                v.remaining = items.length - v.size;
                for (int i = 0; i < v.size && v.first.size() < maxTasks; i++) {
                    Object o = items[(take + i) % items.length];
                    if (o != null) {
                        v.first.add(o);
                    }
                }
            } else if (k.equals("java.util.concurrent.PriorityBlockingQueue")
                    || k.equals("java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue")) {
                Object[] heap = (Object[]) read(q, "queue");
                v.size = (Integer) read(q, "size");
                v.order = k.endsWith("DelayedWorkQueue") ? " (in heap order: the first is due next)" : " (in heap order)";
                for (int i = 0; i < v.size && i < heap.length && v.first.size() < maxTasks; i++) {
                    if (heap[i] != null) {
                        v.first.add(heap[i]);
                    }
                }
            } else if (k.equals("java.util.concurrent.SynchronousQueue")) {
                v.size = 0;
                v.note = "it holds no tasks: a task is handed to an idle worker or a new one";
            } else if (k.startsWith("java.util.concurrent.ConcurrentLinked") || k.equals("java.util.concurrent.LinkedTransferQueue")) {
                iterate((Collection<?>) q, v); // lock-free iterators
            } else {
                otherQueue((Collection<?>) q, v);
            }
        } catch (Throwable e) {
            notes.add("queue " + k + " not readable without its lock (" + e + "); read with a 200 ms limit instead");
            v.first.clear();
            v.size = -1;
            try {
                otherQueue((Collection<?>) q, v);
            } catch (Throwable e2) {
                v.note = "not readable: " + e2;
            }
        }
        return v;
    }

    /** Linked nodes (item, next) from the first real node; a taken node links to itself. */
    private void walk(Object node, QueueView v) throws Exception {
        int steps = 0;
        while (node != null && v.first.size() < maxTasks && steps++ < SCAN_LIMIT) {
            Object item = read(node, "item");
            if (item != null) {
                v.first.add(item);
            }
            Object next = read(node, "next");
            if (next == node) {
                break;
            }
            node = next;
        }
    }

    private void iterate(Collection<?> q, QueueView v) {
        int n = 0;
        Iterator<?> it = q.iterator();
        while (it.hasNext() && n < SCAN_LIMIT) {
            Object o = it.next();
            if (v.first.size() < maxTasks) {
                v.first.add(o);
            }
            n++;
        }
        v.size = n;
        if (n >= SCAN_LIMIT) {
            v.note = "counted up to " + SCAN_LIMIT;
        }
    }

    /** A queue of unknown kind: its own size() and iterator() on a helper thread, abandoned after 200 ms (its lock is held). */
    private void otherQueue(final Collection<?> q, final QueueView v) throws InterruptedException {
        final QueueView tmp = new QueueView(q);
        Thread helper = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    tmp.size = q.size();
                    Iterator<?> it = q.iterator();
                    while (it.hasNext() && tmp.first.size() < maxTasks) {
                        tmp.first.add(it.next());
                    }
                } catch (Throwable e) {
                    tmp.note = "size()/iterator() failed: " + e;
                }
            }
        }, "thaw-probe-queue-reader");
        helper.setDaemon(true);
        helper.start();
        helper.join(200);
        if (helper.isAlive()) {
            v.note = "size() did not return within 200 ms: another thread holds the queue's lock";
            return;
        }
        v.size = tmp.size; // join() made the helper's writes visible
        v.first.addAll(tmp.first);
        v.note = tmp.note;
    }

    // ---- tasks ----

    /** What a task runs: JDK wrappers are looked through; a lambda is named after the class that wrote it. */
    private String taskName(Object task) {
        if (task == null) {
            return "null";
        }
        List<String> wrappers = new ArrayList<String>();
        Object cur = task;
        for (int hop = 0; hop < 5 && isJdk(cur.getClass()); hop++) {
            Object inner = null;
            for (String f : new String[] {"callable", "task", "runnable", "fn", "action", "command"}) {
                Object v = kit.field(cur, f);
                if (v != null && v != cur && !(v instanceof Number) && !(v instanceof Boolean)) {
                    inner = v;
                    break;
                }
            }
            if (inner == null) {
                break;
            }
            wrappers.add(simple(cur.getClass().getName()));
            cur = inner;
        }
        StringBuilder sb = new StringBuilder(display(cur.getClass()));
        if (!wrappers.isEmpty()) {
            sb.append(" (in ");
            for (int i = wrappers.size() - 1; i >= 0; i--) {
                sb.append(i == wrappers.size() - 1 ? "" : " in ").append(wrappers.get(i));
            }
            sb.append(')');
        }
        return sb.toString();
    }

    private static String display(Class<?> c) {
        String n = c.getName();
        int lambda = n.indexOf("$$Lambda");
        return lambda > 0 ? "lambda in " + n.substring(0, lambda) : n;
    }

    private static String simple(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(dot + 1);
    }

    private static boolean isJdk(Class<?> c) {
        return c.getClassLoader() == null && isJdkName(c.getName());
    }

    private static boolean isJdkName(String n) {
        return n.startsWith("java.") || n.startsWith("jdk.") || n.startsWith("sun.") || n.startsWith("javax.");
    }

    private String name(Object o) {
        return Kit.id(o);
    }

    // ---- reflection ----

    /** The Runnable a thread was created with: Thread.target (up to JDK 18), Thread.holder.task (19+). */
    private Object runnableOf(Thread t) {
        Object target = kit.field(t, "target");
        if (target != null) {
            return target;
        }
        Object holder = kit.field(t, "holder");
        return holder == null ? null : kit.field(holder, "task");
    }

    /** The ThreadPoolExecutor$Worker that {@code r} is, or that a thread factory's wrapper holds. */
    private Object findWorker(Object r, int levels) {
        if (r == null || workerClass == null) {
            return null;
        }
        if (workerClass.isInstance(r)) {
            return r;
        }
        if (levels == 0 || isJdk(r.getClass())) {
            return null;
        }
        for (Class<?> c = r.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    Object v = f.get(r);
                    Object w = v instanceof Runnable ? findWorker(v, levels - 1) : null;
                    if (w != null) {
                        return w;
                    }
                } catch (Throwable e) {
                    // a field we may not read: not the wrapper we look for
                }
            }
        }
        return null;
    }

    /** A field of o (kit: the probe's own access into java.base); throws when it is absent or unreadable. */
    private Object read(Object o, String name) throws NoSuchFieldException {
        Object v = kit.field(o, name);
        if (v == null && !hasField(o.getClass(), name)) {
            throw new NoSuchFieldException(o.getClass().getName() + "." + name);
        }
        return v;
    }

    private Object readFirst(Object o, String... names) throws NoSuchFieldException {
        for (String n : names) {
            if (hasField(o.getClass(), n)) {
                return kit.field(o, n);
            }
        }
        throw new NoSuchFieldException(o.getClass().getName() + "." + names[0]);
    }

    private static boolean hasField(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                k.getDeclaredField(name);
                return true;
            } catch (Throwable e) {
                // try the superclass
            }
        }
        return false;
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
