package dev.thaw.proc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Open handles on the per-thread files {@code /proc/PID/task/TID/{stat,syscall,wchan}}, kept
 * between reads so that reading a thread's state again is one {@code pread} at offset 0 instead of
 * open + read + read + close (on this kind of machine: ~7 µs instead of ~17 µs per thread for
 * {@code stat} + {@code syscall}, measured in C; more from Java).
 *
 * <p>Why this is correct: these files are {@code seq_file}s that the kernel generates anew on
 * every read from offset 0, so a kept handle always answers the present state. A handle is bound
 * to the thread (its {@code struct pid}), not to the number: once the thread exits every read
 * fails ({@code ESRCH}); a new thread that reuses the number is reached by opening the path again.
 * Permission checks ({@code ptrace_may_access}) happen on every read, not only at open, so a
 * kept handle grants nothing a fresh open would not. Handles never affect the target.
 *
 * <p>Bounds: at most {@link #budget()} handles in all (a quarter of this process's open-file
 * limit, at most 8192); when full, the least recently used other process's handles are closed;
 * a process with more threads than the budget gets handles for the first ones and plain
 * open-read-close for the rest. Handles of threads that are no longer listed are closed on the
 * next full pass ({@link #retainOnly}); those of a process not read for {@link #IDLE_NANOS} are
 * closed the next time any process is read.
 *
 * <p>One instance per {@link ProcFs} ({@link ProcFs#taskFiles()}), shared by all its readers.
 */
final class TaskFiles {

    enum Kind {
        STAT("stat"), SYSCALL("syscall"), WCHAN("wchan");

        final String file;

        Kind(String file) {
            this.file = file;
        }
    }

    private static final long IDLE_NANOS = 5L * 60 * 1_000_000_000L;
    private static final long SWEEP_NANOS = 30L * 1_000_000_000L;

    private final int budget;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, Proc> procs = new ConcurrentHashMap<>();
    private volatile long lastSweep = System.nanoTime();

    TaskFiles(int budget) {
        this.budget = budget;
    }

    int budget() {
        return budget;
    }

    /** Handles currently open (for tests). */
    int openHandles() {
        return open.get();
    }

    /** The handles of one process: look it up once per pass with {@link #process}. */
    static final class Proc {
        final String key;
        final ProcFs procFs;
        final int pid;
        final Map<Integer, Thread> threads = new ConcurrentHashMap<>();
        volatile long used = System.nanoTime();

        Proc(String key, ProcFs procFs, int pid) {
            this.key = key;
            this.procFs = procFs;
            this.pid = pid;
        }
    }

    /** The handles of one thread: look it up once per thread with {@link #thread}. */
    static final class Thread {
        final int tid;
        final AtomicReferenceArray<FileChannel> channels = new AtomicReferenceArray<>(Kind.values().length);

        Thread(int tid) {
            this.tid = tid;
        }
    }

    /** The handles of one process, marked as used now. */
    Proc process(ProcFs procFs, int pid) {
        String key = procFs.root() + "\0" + pid;
        Proc p = procs.get(key);
        if (p == null) {
            p = procs.computeIfAbsent(key, k -> new Proc(k, procFs, pid));
        }
        long now = System.nanoTime();
        p.used = now;
        if (now - lastSweep > SWEEP_NANOS) {
            lastSweep = now;
            for (Proc other : procs.values()) {
                if (now - other.used > IDLE_NANOS) {
                    evict(other);
                }
            }
        }
        return p;
    }

    Thread thread(Proc p, int tid) {
        Thread t = p.threads.get(tid);
        return t != null ? t : p.threads.computeIfAbsent(tid, Thread::new);
    }

    /**
     * Reads the whole file into {@code dst} (cleared first; a direct buffer avoids a copy) and
     * returns its length, or -1 when the thread is gone or the file unreadable.
     */
    int read(Proc p, Thread t, Kind kind, ByteBuffer dst) {
        int tid = t.tid;
        FileChannel c = t.channels.get(kind.ordinal());
        if (c != null) {
            int n = pread(c, dst);
            if (n >= 0) {
                return n;
            }
            // The thread exited (a new one may have its number), or the handle was closed under us.
            drop(t, kind, c);
        }
        Path path = p.procFs.root().resolve(p.pid + "/task/" + tid + "/" + kind.file);
        try {
            c = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            // gone (or never there): forget the thread, with any handle it still has
            if (p.threads.remove(tid, t)) {
                closeAll(t);
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1; // e.g. syscall without ptrace access: the thread's other files stay open
        }
        int n = pread(c, dst);
        if (n < 0 || !keep(p, t, kind, c)) {
            closeQuietly(c);
        }
        return n;
    }

    /** Closes the handles of threads of {@code pid} that are not in {@code tids} (they have exited). */
    void retainOnly(ProcFs procFs, int pid, Collection<Integer> tids) {
        Proc p = procs.get(procFs.root() + "\0" + pid);
        if (p == null) {
            return;
        }
        Set<Integer> live = tids instanceof Set<Integer> s ? s : new HashSet<>(tids);
        p.threads.entrySet().removeIf(e -> {
            if (live.contains(e.getKey())) {
                return false;
            }
            closeAll(e.getValue());
            return true;
        });
    }

    /** The threads of {@code pid} that have handles, ascending. */
    List<Integer> known(ProcFs procFs, int pid) {
        Proc p = procs.get(procFs.root() + "\0" + pid);
        if (p == null) {
            return List.of();
        }
        List<Integer> tids = new ArrayList<>(p.threads.keySet());
        tids.sort(null);
        return tids;
    }

    /** Closes every handle (for tests and shutdown). */
    void clear() {
        for (Proc p : procs.values()) {
            evict(p);
        }
    }

    private static int pread(FileChannel c, ByteBuffer dst) {
        dst.clear();
        try {
            // These seq_files answer in one read when the buffer is large enough (a few hundred
            // bytes here; the buffer holds 4 KiB): skip the second read that would only confirm the end.
            return Math.max(0, c.read(dst, 0));
        } catch (IOException | RuntimeException e) {
            return -1; // ESRCH: the thread exited; EACCES: syscall needs ptrace access; closed by eviction
        }
    }

    /** Keeps {@code c} as the thread's handle if the budget allows; false when the caller must close it. */
    private boolean keep(Proc p, Thread t, Kind kind, FileChannel c) {
        if (!reserve(p)) {
            return false;
        }
        if (!t.channels.compareAndSet(kind.ordinal(), null, c)) {
            open.decrementAndGet(); // another reader kept one meanwhile
            return false;
        }
        if (p.threads.get(t.tid) != t || procs.get(p.key) != p) {
            // pruned or evicted while we opened: do not leave a handle nobody will close
            if (t.channels.compareAndSet(kind.ordinal(), c, null)) {
                open.decrementAndGet();
            }
            return false;
        }
        return true;
    }

    /** Takes one unit of the budget, evicting the least recently used other process if needed. */
    private boolean reserve(Proc current) {
        for (int attempt = 0; attempt < 4; attempt++) {
            int n = open.get();
            if (n < budget) {
                if (open.compareAndSet(n, n + 1)) {
                    return true;
                }
                attempt--;
                continue;
            }
            Proc lru = null;
            for (Proc p : procs.values()) {
                if (p != current && !p.threads.isEmpty() && (lru == null || p.used < lru.used)) {
                    lru = p;
                }
            }
            if (lru == null) {
                return false;
            }
            evict(lru);
        }
        return false;
    }

    private void evict(Proc p) {
        procs.remove(p.key, p);
        p.threads.entrySet().removeIf(e -> {
            closeAll(e.getValue());
            return true;
        });
    }

    private void closeAll(Thread t) {
        for (Kind k : Kind.values()) {
            FileChannel c = t.channels.getAndSet(k.ordinal(), null);
            if (c != null) {
                open.decrementAndGet();
                closeQuietly(c);
            }
        }
    }

    private void drop(Thread t, Kind kind, FileChannel c) {
        if (t.channels.compareAndSet(kind.ordinal(), c, null)) {
            open.decrementAndGet();
        }
        closeQuietly(c);
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // a /proc file: nothing to flush
        }
    }

    /** A quarter of the open-file limit (soft), at most 8192; 1024 when the limit is unknown. */
    static int defaultBudget() {
        Integer prop = Integer.getInteger("thaw.taskFiles.budget");
        if (prop != null) {
            return Math.max(0, prop);
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    if (f[0].equals("unlimited")) {
                        return 8192;
                    }
                    return (int) Math.max(0, Math.min(8192, Long.parseLong(f[0]) / 4));
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return 1024;
    }
}
