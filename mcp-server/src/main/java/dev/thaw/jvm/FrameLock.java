package dev.thaw.jvm;

/**
 * One {@code - ...} line under a stack frame of a thread dump.
 *
 * @param kind what the thread does with the lock at this frame
 * @param lock the lock
 */
public record FrameLock(Kind kind, LockRef lock) {

    public enum Kind {
        /** {@code - locked <..>}: holds the monitor (unless it is also the one waited on in wait()). */
        LOCKED,
        /** {@code - waiting to lock <..>}: BLOCKED entering a synchronized block or method. */
        WAITING_TO_LOCK,
        /** {@code - waiting on <..>}: in Object.wait(); the monitor is released meanwhile. */
        WAITING_ON,
        /** {@code - waiting to re-lock in wait() <..>}: notified, BLOCKED re-acquiring the monitor. */
        WAITING_TO_RELOCK,
        /** {@code - parking to wait for  <..>}: parked on a java.util.concurrent synchronizer. */
        PARKING,
        /** {@code - eliminated <..>}: a lock the JIT removed; held logically. */
        ELIMINATED,
        /**
         * {@code - waiting on the Class initialization monitor for pkg.Cls} (JDK 21+): waits for another
         * thread to finish initialising the class; the lock has no address, its class name is the class.
         */
        CLASS_INIT;

        /** True for the kinds that mean the thread cannot go on until someone else acts. */
        public boolean isWait() {
            return this == WAITING_TO_LOCK || this == WAITING_ON || this == WAITING_TO_RELOCK || this == PARKING
                    || this == CLASS_INIT;
        }
    }
}
