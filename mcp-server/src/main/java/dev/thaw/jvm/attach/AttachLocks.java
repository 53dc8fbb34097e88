package dev.thaw.jvm.attach;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One attach operation in flight per JVM. HotSpot's single "Attach Listener" thread serves one
 * operation at a time anyway; queueing in its socket backlog would only make our deadlines lie,
 * and two thread dumps at once double the safepoint work for nothing.
 *
 * <p>A lock exists only while an operation holds it or waits for it: the last one to leave removes
 * it, so the map holds the JVMs being talked to right now and never grows with the JVMs seen. It is
 * keyed by pid, not by process: a later JVM that reuses the pid of one still being talked to waits
 * for that operation to end (it fails at once: the process is gone), which costs nothing.
 */
final class AttachLocks {

    /** Guarded by itself. */
    private final Map<Integer, Entry> locks = new HashMap<>();

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        /** Operations holding or waiting for the lock; guarded by {@link #locks}. */
        int users;
    }

    /** Holds the lock of {@code pid}; close it to release. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    Held acquire(int pid, Deadline deadline, String what) {
        Entry entry;
        synchronized (locks) {
            entry = locks.computeIfAbsent(pid, p -> new Entry());
            entry.users++;
        }
        boolean locked = false;
        try {
            locked = entry.lock.tryLock(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
            if (!locked) {
                throw new ThawException(ErrorCode.ATTACH_BUSY, "Another attach operation on JVM " + pid
                        + " is still running; `" + what + "` waited " + deadline.total().toMillis() + " ms for it.",
                        "Retry when the other operation has finished, or give this one a longer timeout.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ThawException(ErrorCode.INTERRUPTED, "Interrupted while waiting to attach to JVM " + pid + ".", null, e);
        } finally {
            if (!locked) {
                leave(pid, entry);
            }
        }
        return () -> {
            entry.lock.unlock();
            leave(pid, entry);
        };
    }

    /** JVMs with an operation holding or waiting for their lock (for tests). */
    int size() {
        synchronized (locks) {
            return locks.size();
        }
    }

    private void leave(int pid, Entry entry) {
        synchronized (locks) {
            if (--entry.users == 0) {
                locks.remove(pid, entry);
            }
        }
    }
}
