package dev.thaw.inject;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One delivery at a time per process (pid + start time), across every thaw server of this user:
 * two armed scripts would overwrite each other's path in the thread state, and only the last would
 * run. Inside a server a fair semaphore keeps the order (first come, first served); across servers
 * an fcntl lock on {@code <pid>@<startTicks>.lock} in a run directory only this user can write
 * ({@code /run/thaw} for root, {@code $XDG_RUNTIME_DIR/thaw} otherwise), polled until the caller's
 * deadline. The kernel drops the lock of a server that dies, so a crash never blocks the next one.
 *
 * <p>One instance per server process, owned by its {@link InjectionService}: on Linux, closing any
 * channel of a file drops every fcntl lock the process holds on it, so the lock files this process
 * holds are known to exactly one owner, which never opens a second channel on one of them. What it
 * keeps per process is dropped on release (the lock file's channel) or once the process is gone
 * ({@link #prune}, also run whenever more than {@value #PRUNE_ABOVE} processes are known).
 */
final class TargetLocks {

    private static final Logger LOG = LoggerFactory.getLogger(TargetLocks.class);
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long POLL_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long POLL_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    static final int PRUNE_ABOVE = 64;

    private final ProcFs proc;
    private final Path runDir;
    private final Map<ProcessKey, Semaphore> locks = new ConcurrentHashMap<>();
    /** The lock files held now, each through its only channel (removed and closed on release). */
    private final Map<ProcessKey, FileChannel> held = new ConcurrentHashMap<>();

    TargetLocks(ProcFs proc) {
        this(proc, standardRunDir());
    }

    /** @param runDir where the cross-server lock files go; null: this server only */
    TargetLocks(ProcFs proc, Path runDir) {
        this.proc = proc;
        this.runDir = usable(runDir);
    }

    /** {@code /run/thaw} for root, {@code $XDG_RUNTIME_DIR/thaw} (or the state directory's {@code run}) for others. */
    static Path standardRunDir() {
        try {
            if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
                return Path.of("/run/thaw");
            }
        } catch (IOException | RuntimeException e) {
            // not Linux-like: fall through
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        return xdg != null && xdg.startsWith("/") ? Path.of(xdg, "thaw") : dev.thaw.StateDirs.base().resolve("run");
    }

    /** The run directory, created 0700 if needed; null (with a warning) when it is not ours alone. */
    private static Path usable(Path dir) {
        if (dir == null) {
            return null;
        }
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // another server made it a moment ago: checked below
                }
            }
            Map<String, Object> a = Files.readAttributes(dir, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            int myUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || (Integer) a.get("uid") != myUid || (mode & 0022) != 0) {
                LOG.warn("{} is not a private directory of this user: injections are serialized within this server only", dir);
                return null;
            }
            return dir;
        } catch (IOException | RuntimeException e) {
            LOG.warn("no run directory for injection locks ({}): injections are serialized within this server only", e.toString());
            return null;
        }
    }

    /**
     * A process's turn, held until {@link #close()} (which may be called more than once; only the
     * first releases).
     */
    final class Turn implements AutoCloseable {
        private final ProcessKey key;
        private boolean released;

        private Turn(ProcessKey key) {
            this.key = key;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                release(key);
            }
        }
    }

    /** Takes the process's turn if it is free now, without waiting; null when it is not. */
    Turn tryAcquire(TargetIdentity target) {
        Semaphore s = semaphore(target.key());
        if (!s.tryAcquire()) {
            return null;
        }
        if (tryFileLock(target.key())) {
            return new Turn(target.key());
        }
        s.release();
        return null;
    }

    private Semaphore semaphore(ProcessKey key) {
        if (locks.size() > PRUNE_ABOVE) {
            prune();
        }
        return locks.computeIfAbsent(key, k -> new Semaphore(1, true));
    }

    /**
     * Waits for the process's turn until {@code deadline}, calling {@code waiting} about once a
     * second meanwhile with whether another server holds it.
     *
     * @return the turn, or null when the deadline passed first
     */
    Turn acquire(TargetIdentity target, long deadline, java.util.function.Consumer<Boolean> waiting) {
        ProcessKey key = target.key();
        Semaphore lock = semaphore(key);
        try {
            long nextProgress = System.nanoTime() + PROGRESS_NANOS;
            if (!lock.tryAcquire()) {
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    if (lock.tryAcquire(Math.min(left, PROGRESS_NANOS), TimeUnit.NANOSECONDS)) {
                        break;
                    }
                    waiting.accept(false);
                    nextProgress = System.nanoTime() + PROGRESS_NANOS;
                }
            }
            long pause = POLL_MIN_NANOS;
            while (!tryFileLock(key)) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    lock.release();
                    return null;
                }
                if (now >= nextProgress) {
                    waiting.accept(true);
                    nextProgress = now + PROGRESS_NANOS;
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(pause, deadline - now));
                pause = Math.min(pause * 2, POLL_MAX_NANOS);
            }
            return new Turn(key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The cross-server lock; true at once without a run directory. Caller holds the semaphore. */
    private boolean tryFileLock(ProcessKey key) {
        if (runDir == null) {
            return true;
        }
        synchronized (held) {
            return held.containsKey(key) ? false : openAndLock(key);
        }
    }

    private boolean openAndLock(ProcessKey key) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(runDir.resolve(key + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                return false;
            }
            held.put(key, ch);
            return true;
        } catch (IOException | OverlappingFileLockException e) {
            LOG.debug("lock for {}: {}", key, e.toString());
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing held
                }
            }
            return e instanceof IOException; // cannot lock there at all: this server's order only
        }
    }

    private void release(ProcessKey key) {
        FileChannel ch = held.remove(key);
        if (ch != null) {
            try {
                ch.close(); // releases the fcntl lock
            } catch (IOException e) {
                LOG.debug("unlock {}: {}", key, e.toString());
            }
        }
        Semaphore s = locks.get(key);
        if (s != null) {
            s.release();
        }
    }

    /**
     * Forgets the locks of processes that are gone and that nobody holds or waits for, and their
     * lock files: a pid with that start time never comes back, so no server can want them again.
     */
    void prune() {
        locks.entrySet().removeIf(e -> {
            ProcessKey key = e.getKey();
            boolean gone = !TargetIdentity.alive(proc, key)
                    && e.getValue().availablePermits() == 1 && !e.getValue().hasQueuedThreads();
            if (gone && runDir != null) {
                try {
                    Files.deleteIfExists(runDir.resolve(key + ".lock"));
                } catch (IOException ignored) {
                    // the next server's prune, or a reboot (/run is a tmpfs)
                }
            }
            return gone;
        });
    }
}
