package dev.thaw.inject;

import dev.thaw.proc.ProcFs;
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
 */
final class TargetLocks {

    private static final Logger LOG = LoggerFactory.getLogger(TargetLocks.class);
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long POLL_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long POLL_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ProcFs proc;
    private final Path runDir;
    private final Map<String, Semaphore> locks = new ConcurrentHashMap<>();
    /**
     * The lock files this JVM holds, whichever TargetLocks took them: on Linux, closing any channel
     * of a file drops every fcntl lock the process holds on it, so a second channel on a held file
     * must never even be opened (and closed) here.
     */
    private static final Map<String, FileChannel> HELD = new ConcurrentHashMap<>();
    /** The keys whose lock file this instance holds. */
    private final java.util.Set<String> mine = ConcurrentHashMap.newKeySet();

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

    /** Takes the process's turn if it is free now, without waiting. */
    boolean tryAcquire(TargetIdentity target) {
        Semaphore s = locks.computeIfAbsent(target.key(), k -> new Semaphore(1, true));
        if (!s.tryAcquire()) {
            return false;
        }
        if (tryFileLock(target)) {
            return true;
        }
        s.release();
        return false;
    }

    /**
     * Waits for the process's turn until {@code deadline}, calling {@code waiting} about once a
     * second meanwhile with whether another server holds it.
     *
     * @return false when the deadline passed first
     */
    boolean acquire(TargetIdentity target, long deadline, java.util.function.Consumer<Boolean> waiting) {
        Semaphore lock = locks.computeIfAbsent(target.key(), k -> new Semaphore(1, true));
        try {
            long nextProgress = System.nanoTime() + PROGRESS_NANOS;
            if (!lock.tryAcquire()) {
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    if (lock.tryAcquire(Math.min(left, PROGRESS_NANOS), TimeUnit.NANOSECONDS)) {
                        break;
                    }
                    waiting.accept(false);
                    nextProgress = System.nanoTime() + PROGRESS_NANOS;
                }
            }
            long pause = POLL_MIN_NANOS;
            while (!tryFileLock(target)) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    lock.release();
                    return false;
                }
                if (now >= nextProgress) {
                    waiting.accept(true);
                    nextProgress = now + PROGRESS_NANOS;
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(pause, deadline - now));
                pause = Math.min(pause * 2, POLL_MAX_NANOS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The cross-server lock; true at once without a run directory. Caller holds the semaphore. */
    private boolean tryFileLock(TargetIdentity target) {
        if (runDir == null) {
            return true;
        }
        synchronized (HELD) {
            return HELD.containsKey(target.key()) ? false : openAndLock(target);
        }
    }

    private boolean openAndLock(TargetIdentity target) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(runDir.resolve(target.key() + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                return false;
            }
            HELD.put(target.key(), ch);
            mine.add(target.key());
            return true;
        } catch (IOException | OverlappingFileLockException e) {
            LOG.debug("lock for {}: {}", target.key(), e.toString());
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

    void release(TargetIdentity target) {
        FileChannel ch = mine.remove(target.key()) ? HELD.remove(target.key()) : null;
        if (ch != null) {
            try {
                ch.close(); // releases the fcntl lock
            } catch (IOException e) {
                LOG.debug("unlock {}: {}", target.key(), e.toString());
            }
        }
        Semaphore s = locks.get(target.key());
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
            String key = e.getKey();
            int pid = Integer.parseInt(key.substring(0, key.indexOf('@')));
            long ticks = Long.parseLong(key.substring(key.indexOf('@') + 1));
            boolean gone = !new TargetIdentity(pid, ticks, null, null, null, 0, 0).alive(proc)
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
