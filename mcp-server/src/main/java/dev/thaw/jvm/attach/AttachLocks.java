package dev.thaw.jvm.attach;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One attach operation in flight per JVM. HotSpot's single "Attach Listener" thread serves one
 * operation at a time anyway; queueing in its socket backlog would only make our deadlines lie,
 * and two thread dumps at once double the safepoint work for nothing.
 */
final class AttachLocks {

    private static final ConcurrentHashMap<Integer, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private AttachLocks() {
    }

    /** Holds the lock of {@code pid}; close it to release. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    static Held acquire(int pid, Deadline deadline, String what) {
        ReentrantLock lock = LOCKS.computeIfAbsent(pid, p -> new ReentrantLock());
        try {
            if (!lock.tryLock(deadline.remainingMillis(), TimeUnit.MILLISECONDS)) {
                throw new ThawException(ErrorCode.ATTACH_BUSY, "Another attach operation on JVM " + pid
                        + " is still running; `" + what + "` waited " + deadline.total().toMillis() + " ms for it.",
                        "Retry when the other operation has finished, or give this one a longer timeout.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ThawException(ErrorCode.INTERRUPTED, "Interrupted while waiting to attach to JVM " + pid + ".", null, e);
        }
        return lock::unlock;
    }
}
