package dev.thaw.testing.jvm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * Target for bounds (Java 8 source): 10,000 platform threads "crowd-N", half parked on one shared latch, half
 * each on a latch of its own (10,000 threads, 5,001 distinct synchronizers). Prints the ready line once all
 * are parked.
 */
public final class ThreadCrowd {

    static final int CROWD = 10_000;
    static final CountDownLatch SHARED = new CountDownLatch(1);
    static final List<CountDownLatch> OWN = new ArrayList<CountDownLatch>();

    private ThreadCrowd() {
    }

    public static void main(String[] args) throws Exception {
        List<Thread> crowd = new ArrayList<Thread>();
        for (int i = 0; i < CROWD; i++) {
            final CountDownLatch latch = i % 2 == 0 ? SHARED : new CountDownLatch(1);
            if (latch != SHARED) {
                OWN.add(latch);
            }
            Thread t = new Thread(null, () -> await(latch), "crowd-" + i, 256 * 1024);
            t.setDaemon(true);
            t.start();
            crowd.add(t);
        }
        for (Thread t : crowd) {
            while (t.getState() != Thread.State.WAITING || LockSupport.getBlocker(t) == null) {
                Thread.sleep(1);
            }
        }
        TargetSupport.ready();
        Thread.sleep(Long.MAX_VALUE);
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
