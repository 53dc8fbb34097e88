package dev.thaw.proc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Reads {@link TaskState} from {@code /proc/PID/task/TID/{stat,syscall,wchan}}. Reading these
 * never disturbs the thread: for a thread on a CPU the kernel answers "running" instead of
 * waiting for it.
 *
 * <p>These reads dominate the cost of a snapshot of a many-threaded process (each open + read +
 * close of such a file costs 8–15 µs here, mostly in the kernel), so the files stay open between
 * reads ({@link TaskFiles}: a read is then one {@code pread}), this reader reuses its buffers, and
 * {@code wchan} is read only when the syscall does not already say what the thread waits for.
 * One instance per reading thread.
 */
public final class TaskStates {

    /** The caller reads process memory meanwhile, so leave it a CPU. */
    private static final int WORKERS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
    private static volatile ExecutorService pool;

    private final ProcFs procFs;
    private final TaskFiles files;
    /** Per reading thread, reused across instances: a direct buffer costs a few microseconds to allocate. */
    private static final ThreadLocal<ByteBuffer> DIRECT = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(4096));
    private static final ThreadLocal<byte[]> BUF = ThreadLocal.withInitial(() -> new byte[4096]);

    private ByteBuffer direct;
    private byte[] buf;
    /** The handles of the process read last. */
    private TaskFiles.Proc proc;

    public TaskStates(ProcFs procFs) {
        this(procFs, procFs.taskFiles());
    }

    TaskStates(ProcFs procFs, TaskFiles files) {
        this.procFs = procFs;
        this.files = files;
    }

    /** The state of one thread, or null when that thread has exited. */
    public TaskState read(int pid, int tid) {
        if (proc == null || proc.pid != pid) {
            proc = files.process(procFs, pid);
        }
        TaskFiles.Thread handles = files.thread(proc, tid);
        int n = slurp(handles, TaskFiles.Kind.STAT);
        if (n <= 0) {
            return null;
        }
        // "tid (comm) S ppid ...": comm may hold spaces and ')', so it ends at the LAST ')'.
        int open = indexOf((byte) '(', 0, n);
        int close = lastIndexOf((byte) ')', n);
        if (open < 0 || close < open || close + 2 >= n) {
            return null;
        }
        String comm = new String(buf, open + 1, close - open - 1, StandardCharsets.UTF_8);
        char state = (char) buf[close + 2];
        String syscall = null;
        String args = null;
        n = slurp(handles, TaskFiles.Kind.SYSCALL);
        if (n > 0) {
            // "running", or "-1 sp pc" (not in a system call), or "nr arg1 ... arg6 sp pc"
            int len = trimmedEnd(n);
            int s1 = indexOf((byte) ' ', 0, len);
            int nrEnd = s1 < 0 ? len : s1;
            if (tokenIs("running", nrEnd)) {
                syscall = "running";
            } else if (nrEnd > 0 && !(nrEnd == 2 && buf[0] == '-' && buf[1] == '1')) {
                int nr = parseInt(0, nrEnd);
                syscall = nr < 0 ? null : SyscallNames.name(nr);
                int s2 = s1 < 0 ? -1 : indexOf((byte) ' ', s1 + 1, len);
                int s3 = s2 < 0 ? -1 : indexOf((byte) ' ', s2 + 1, len);
                int s4 = s3 < 0 ? -1 : indexOf((byte) ' ', s3 + 1, len);
                if (s4 >= 0) {
                    int s5 = indexOf((byte) ' ', s4 + 1, len);
                    args = new String(buf, s1 + 1, (s5 < 0 ? len : s5) - s1 - 1, StandardCharsets.ISO_8859_1);
                } else if (s3 >= 0) {
                    args = new String(buf, s1 + 1, len - s1 - 1, StandardCharsets.ISO_8859_1);
                }
            }
        }
        String wchan = null;
        if (syscall == null && state != 'R') {
            n = slurp(handles, TaskFiles.Kind.WCHAN);
            String w = n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1).trim();
            wchan = w.isEmpty() || w.equals("0") ? null : w;
        }
        return new TaskState(tid, comm, state, syscall, args, wchan);
    }

    /** Reads the file into {@code buf}; returns its length, or -1 when it is gone or unreadable. */
    private int slurp(TaskFiles.Thread handles, TaskFiles.Kind kind) {
        if (direct == null) {
            direct = DIRECT.get();
            buf = BUF.get();
        }
        int n = files.read(proc, handles, kind, direct);
        if (n > 0) {
            direct.flip();
            direct.get(buf, 0, n);
        }
        return n;
    }

    private int trimmedEnd(int n) {
        while (n > 0 && buf[n - 1] <= ' ') {
            n--;
        }
        return n;
    }

    private boolean tokenIs(String word, int len) {
        if (len != word.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (buf[i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A non-negative decimal number, or -1. */
    private int parseInt(int from, int to) {
        if (to <= from || to - from > 9) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private int lastIndexOf(byte b, int to) {
        for (int i = to - 1; i >= 0; i--) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Starts listing and reading the states of all threads of a process on daemon workers, so
     * that the caller can read process memory meanwhile; {@link Pending#join()} then helps with
     * what is left. Threads that exit meanwhile are missing from the result.
     */
    public static Pending readAllAsync(ProcFs procFs, int pid) {
        return readAllAsync(procFs, pid, null);
    }

    /**
     * Like {@link #readAllAsync(ProcFs, int)} for the given threads only ({@code null}: list
     * them; with a thousand threads listing {@code /proc/PID/task} alone costs about a millisecond).
     */
    public static Pending readAllAsync(ProcFs procFs, int pid, List<Integer> tids) {
        Pending p = new Pending(procFs, pid, tids);
        ExecutorService workers = pool();
        p.running.add(CompletableFuture.runAsync(p::listThenWork, workers));
        for (int i = 1; i < WORKERS; i++) {
            p.running.add(CompletableFuture.runAsync(p::work, workers));
        }
        return p;
    }

    /**
     * The threads of {@code pid} whose files are kept open from an earlier read (see
     * {@link #retainOnly}), ascending; empty when none. A hint of which threads to read, not a listing.
     */
    public static List<Integer> known(ProcFs procFs, int pid) {
        return procFs.taskFiles().known(procFs, pid);
    }

    /**
     * Closes the files kept open for threads of {@code pid} other than {@code tids} (threads that
     * have exited, or that the caller does not need any more).
     */
    public static void retainOnly(ProcFs procFs, int pid, Collection<Integer> tids) {
        procFs.taskFiles().retainOnly(procFs, pid, tids);
    }

    /** Closes every file kept open for the threads of {@code pid} (the next read opens them again). */
    public static void forget(ProcFs procFs, int pid) {
        procFs.taskFiles().retainOnly(procFs, pid, Set.of());
    }

    /**
     * Thread states being read: threads are claimed one at a time by workers and the joiner alike.
     * The joiner never waits for a worker that the scheduler has not run yet (or has preempted
     * mid-read): it reads whatever has no result yet itself, so on a busy machine this costs about
     * what reading everything on the caller's thread would, and on an idle one about half.
     */
    public static final class Pending {
        private static final TaskState GONE = new TaskState(0, "", '?', null, null, null);

        private final ProcFs procFs;
        private final int pid;
        private final List<Integer> given;
        private final CompletableFuture<List<Integer>> listed = new CompletableFuture<>();
        private final AtomicInteger next = new AtomicInteger();
        private volatile AtomicReferenceArray<TaskState> results;
        private final List<CompletableFuture<Void>> running = new CopyOnWriteArrayList<>();

        private Pending(ProcFs procFs, int pid, List<Integer> given) {
            this.procFs = procFs;
            this.pid = pid;
            this.given = given;
            if (given != null) {
                results = new AtomicReferenceArray<>(given.size());
                listed.complete(given);
            }
        }

        private void listThenWork() {
            if (given == null) {
                try {
                    List<Integer> all = procFs.tids(pid);
                    results = new AtomicReferenceArray<>(all.size());
                    listed.complete(all);
                } catch (RuntimeException e) {
                    listed.completeExceptionally(e);
                    return;
                }
            }
            work();
        }

        private void work() {
            List<Integer> tids;
            try {
                tids = listed.join();
            } catch (RuntimeException e) {
                return;
            }
            AtomicReferenceArray<TaskState> out = results;
            TaskStates reader = new TaskStates(procFs);
            for (int i; (i = next.getAndIncrement()) < tids.size(); ) {
                read(reader, tids, out, i);
            }
        }

        private void read(TaskStates reader, List<Integer> tids, AtomicReferenceArray<TaskState> out, int i) {
            TaskState t = reader.read(pid, tids.get(i));
            out.set(i, t == null ? GONE : t);
        }

        /**
         * Reads what is left (including what a worker has claimed but not finished: reading a
         * thread twice is harmless) and returns tid -> state.
         *
         * @throws ProcessGoneException when the process vanished before its threads were listed
         */
        public Map<Integer, TaskState> join() {
            List<Integer> tids;
            try {
                tids = listed.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            }
            work();
            for (CompletableFuture<Void> f : running) {
                f.cancel(false); // a worker not started yet need not start at all
            }
            AtomicReferenceArray<TaskState> out = results;
            TaskStates reader = null;
            Map<Integer, TaskState> states = new HashMap<>(tids.size() * 2);
            for (int i = 0; i < tids.size(); i++) {
                TaskState t = out.get(i);
                if (t == null) {
                    // claimed by a worker that has not finished it
                    if (reader == null) {
                        reader = new TaskStates(procFs);
                    }
                    read(reader, tids, out, i);
                    t = out.get(i);
                }
                if (t != GONE) {
                    states.put(tids.get(i), t);
                }
            }
            if (given == null) {
                procFs.taskFiles().retainOnly(procFs, pid, tids); // a full listing: the others have exited
            }
            return states;
        }
    }

    /**
     * Lists the threads of a process and reads their states on this thread; threads that exit
     * meanwhile are missing from the result.
     *
     * @throws ProcessGoneException when the process vanished before its threads were listed
     */
    public static Map<Integer, TaskState> readAll(ProcFs procFs, int pid) {
        List<Integer> tids = procFs.tids(pid);
        Map<Integer, TaskState> out = readAll(procFs, pid, tids);
        procFs.taskFiles().retainOnly(procFs, pid, tids);
        return out;
    }

    /** Reads the states of the given threads; those that have exited are missing from the result. */
    public static Map<Integer, TaskState> readAll(ProcFs procFs, int pid, Collection<Integer> tids) {
        TaskStates reader = new TaskStates(procFs);
        Map<Integer, TaskState> out = new HashMap<>(tids.size() * 2);
        for (int tid : tids) {
            TaskState t = reader.read(pid, tid);
            if (t != null) {
                out.put(tid, t);
            }
        }
        return out;
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (TaskStates.class) {
                if (pool == null) {
                    pool = Executors.newFixedThreadPool(WORKERS, r -> {
                        Thread t = new Thread(r, "thaw-procfs");
                        t.setDaemon(true);
                        return t;
                    });
                }
                p = pool;
            }
        }
        return p;
    }
}
