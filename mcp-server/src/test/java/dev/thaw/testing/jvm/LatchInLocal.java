package dev.thaw.testing.jvm;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * A healthy twin of a latch whose counter died (Java 8 source): the main thread keeps the latch in a local
 * variable only (no static field, no thread's task references it but the waiter's), sleeps in application
 * code, and will count it down when it wakes, an hour later. "local-latch-waiter" awaits it without a
 * timeout. Nothing is wrong: jvm.synchronizers must draw no verdict (main's own method calls countDown).
 * Prints "READY pid=N" once the waiter is parked.
 */
public final class LatchInLocal {

    private LatchInLocal() {
    }

    public static void main(String[] args) throws Exception {
        final CountDownLatch warmedUp = new CountDownLatch(1);
        Thread waiter = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    warmedUp.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "local-latch-waiter");
        waiter.setDaemon(true);
        waiter.start();
        while (waiter.getState() != Thread.State.WAITING || LockSupport.getBlocker(waiter) == null) {
            Thread.sleep(5);
        }
        TargetSupport.ready();
        Thread.sleep(3_600_000);        // warming up, an hour: alive all along, and then it counts down
        warmedUp.countDown();
        waiter.join();
    }
}
