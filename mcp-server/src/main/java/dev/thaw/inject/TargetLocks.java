package dev.thaw.inject;

import dev.thaw.proc.ProcFs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One delivery at a time per process (pid + start time): two armed scripts would overwrite each
 * other's path in the thread state, and only the last would run. Fair: first come, first served.
 */
final class TargetLocks {

    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ProcFs proc;
    private final Map<String, Semaphore> locks = new ConcurrentHashMap<>();

    TargetLocks(ProcFs proc) {
        this.proc = proc;
    }

    /** Takes the process's turn if it is free now, without waiting. */
    boolean tryAcquire(TargetIdentity target) {
        return locks.computeIfAbsent(target.key(), k -> new Semaphore(1, true)).tryAcquire();
    }

    /**
     * Waits for the process's turn until {@code deadline}, calling {@code waiting} about once a
     * second meanwhile.
     *
     * @return false when the deadline passed first
     */
    boolean acquire(TargetIdentity target, long deadline, Runnable waiting) {
        Semaphore lock = locks.computeIfAbsent(target.key(), k -> new Semaphore(1, true));
        try {
            if (lock.tryAcquire()) {
                return true;
            }
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                if (lock.tryAcquire(Math.min(left, PROGRESS_NANOS), TimeUnit.NANOSECONDS)) {
                    return true;
                }
                waiting.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void release(TargetIdentity target) {
        Semaphore s = locks.get(target.key());
        if (s != null) {
            s.release();
        }
    }

    /** Forgets the locks of processes that are gone and that nobody holds or waits for. */
    void prune() {
        locks.entrySet().removeIf(e -> {
            String key = e.getKey();
            int pid = Integer.parseInt(key.substring(0, key.indexOf('@')));
            long ticks = Long.parseLong(key.substring(key.indexOf('@') + 1));
            return !new TargetIdentity(pid, ticks, null, null, null, 0, 0).alive(proc)
                    && e.getValue().availablePermits() == 1 && !e.getValue().hasQueuedThreads();
        });
    }
}
