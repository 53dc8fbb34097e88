package dev.thaw.testing.jvm;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A JVM for probe tests: a heartbeat thread counts up every 10 ms (a probe that loops or blocks
 * must not stop it), thread "holder" keeps the monitor {@link #LOCK} and the ReentrantLock
 * {@link #JUC} forever, thread "blocked" waits to enter {@link #LOCK}. Public static state lets
 * probes find all of it by reflection or directly (it is on the class path).
 * Arguments (JDK 21+): {@code virtual=N}, N virtual threads parked on a latch; {@code virtual-deadlock},
 * virtual threads vt-A and vt-B deadlocked on two monitors.
 */
public final class ProbeTarget {

    public static final Object LOCK = new Object();
    public static final ReentrantLock JUC = new ReentrantLock();
    public static final AtomicLong HEARTBEAT = new AtomicLong();
    public static volatile String secret = "hello from the target";

    private ProbeTarget() {
    }

    public static void main(String[] args) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            JUC.lock();
            synchronized (LOCK) {
                held.countDown();
                while (true) {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        // keep holding
                    }
                }
            }
        }, "holder");
        holder.setDaemon(true);
        holder.start();
        held.await();
        Thread blocked = new Thread(() -> {
            synchronized (LOCK) {
                HEARTBEAT.set(-1);
            }
        }, "blocked");
        blocked.setDaemon(true);
        blocked.start();
        Thread beat = new Thread(() -> {
            while (true) {
                HEARTBEAT.incrementAndGet();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heartbeat");
        beat.setDaemon(true);
        beat.start();
        for (String a : args) {
            if (a.startsWith("virtual=")) {
                VirtualThreads.start(Integer.parseInt(a.substring(8)));
            } else if (a.equals("virtual-deadlock")) {
                VirtualThreads.deadlock();
            }
        }
        while (blocked.getState() != Thread.State.BLOCKED) {
            Thread.sleep(1);
        }
        TargetSupport.ready();
        Thread.sleep(Long.MAX_VALUE);
    }
}
