package dev.thaw.proc;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads {@link TaskState} from {@code /proc/PID/task/TID/{stat,syscall,wchan}}. Reading these
 * never disturbs the thread: for a thread on a CPU the kernel answers "running" instead of
 * waiting for it.
 *
 * <p>These reads dominate the cost of a snapshot of a many-threaded process (tens of microseconds
 * per file, mostly in the kernel), so this reader reuses one buffer and plain file streams, and
 * reads {@code wchan} only when the syscall does not already say what the thread waits for.
 * One instance per reading thread.
 */
public final class TaskStates {

    /** The caller reads process memory meanwhile, so leave it a CPU. */
    private static final int WORKERS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
    private static volatile ExecutorService pool;

    private final ProcFs procFs;
    private final byte[] buf = new byte[4096];

    public TaskStates(ProcFs procFs) {
        this.procFs = procFs;
    }

    /** The state of one thread, or null when that thread has exited. */
    public TaskState read(int pid, int tid) {
        String dir = procFs.root() + "/" + pid + "/task/" + tid + "/";
        int n = slurp(dir + "stat");
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
        n = slurp(dir + "syscall");
        if (n > 0) {
            String[] f = new String(buf, 0, n, StandardCharsets.ISO_8859_1).trim().split(" ", 5);
            if (f[0].equals("running")) {
                syscall = "running";
            } else if (!f[0].isEmpty() && !f[0].equals("-1")) {
                try {
                    syscall = SyscallNames.name(Integer.parseInt(f[0]));
                } catch (NumberFormatException e) {
                    syscall = null;
                }
                if (f.length >= 4) {
                    args = f[1] + " " + f[2] + " " + f[3];
                }
            }
        }
        String wchan = null;
        if (syscall == null && state != 'R') {
            n = slurp(dir + "wchan");
            String w = n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1).trim();
            wchan = w.isEmpty() || w.equals("0") ? null : w;
        }
        return new TaskState(tid, comm, state, syscall, args, wchan);
    }

    /** Reads the file into {@code buf}; returns its length, or -1 when it is gone or unreadable. */
    private int slurp(String path) {
        try (FileInputStream in = new FileInputStream(path)) {
            int n = 0;
            int r;
            while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
            }
            return n;
        } catch (FileNotFoundException e) {
            return -1;
        } catch (IOException e) {
            return -1; // syscall needs ptrace access; ESRCH when the thread exits mid-read
        }
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
        Pending p = new Pending(procFs, pid);
        ExecutorService workers = pool();
        p.running.add(CompletableFuture.runAsync(p::listThenWork, workers));
        for (int i = 1; i < WORKERS; i++) {
            p.running.add(CompletableFuture.runAsync(p::work, workers));
        }
        return p;
    }

    /** Thread states being read: work is taken from a queue of slices by workers and the joiner alike. */
    public static final class Pending {
        private static final int SLICE = 24;

        private final ProcFs procFs;
        private final int pid;
        private final ConcurrentLinkedQueue<List<Integer>> slices = new ConcurrentLinkedQueue<>();
        private final ConcurrentHashMap<Integer, TaskState> results = new ConcurrentHashMap<>();
        private final CompletableFuture<Void> listed = new CompletableFuture<>();
        private final List<CompletableFuture<Void>> running = new CopyOnWriteArrayList<>();

        private Pending(ProcFs procFs, int pid) {
            this.procFs = procFs;
            this.pid = pid;
        }

        private void listThenWork() {
            try {
                List<Integer> tids = procFs.tids(pid);
                for (int i = 0; i < tids.size(); i += SLICE) {
                    slices.add(tids.subList(i, Math.min(tids.size(), i + SLICE)));
                }
                listed.complete(null);
            } catch (RuntimeException e) {
                listed.completeExceptionally(e);
                return;
            }
            work();
        }

        private void work() {
            if (!listed.isDone()) {
                try {
                    listed.join();
                } catch (RuntimeException e) {
                    return;
                }
            }
            TaskStates reader = new TaskStates(procFs);
            List<Integer> slice;
            while ((slice = slices.poll()) != null) {
                for (int tid : slice) {
                    TaskState t = reader.read(pid, tid);
                    if (t != null) {
                        results.put(tid, t);
                    }
                }
            }
        }

        /**
         * Helps read what is left, waits for the workers, and returns tid -> state.
         *
         * @throws ProcessGoneException when the process vanished before its threads were listed
         */
        public Map<Integer, TaskState> join() {
            try {
                listed.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            }
            work();
            for (CompletableFuture<Void> f : running) {
                f.join();
            }
            return new HashMap<>(results);
        }
    }

    public static Map<Integer, TaskState> readAll(ProcFs procFs, int pid, List<Integer> tids) {
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
