package dev.thaw.samples.java;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The java.util.concurrent twin of {@link MonitorLockOrdering}: an order service guards stock and
 * orders with two {@link ReentrantLock}s. Placing an order reserves stock first and then records
 * the order; cancelling an order takes the orders lock first and then gives the stock back. Run
 * at the same time, each holds one lock and parks forever on the other. HotSpot shows no monitor
 * here: the threads are WAITING (parking), and the owners are only visible in each thread's
 * "Locked ownable synchronizers".
 *
 * <p>Deterministic: a latch makes both hold their first lock before either asks for the second;
 * {@link #start()} returns once each thread is queued on the lock the other holds.
 */
public final class ReentrantLockOrdering {

    static final ReentrantLock INVENTORY_LOCK = new ReentrantLock();
    static final ReentrantLock ORDERS_LOCK = new ReentrantLock();

    private ReentrantLockOrdering() {
    }

    public static void start() {
        CountDownLatch bothHoldFirst = new CountDownLatch(2);
        Thread placer = new Thread(() -> placeOrder("sku-4711", 2, bothHoldFirst), "order-placer");
        Thread canceller = new Thread(() -> cancelOrder("order-1042", bothHoldFirst), "order-canceller");
        placer.start();
        canceller.start();
        Readiness.await("java-reentrantlock-ordering",
                () -> ORDERS_LOCK.hasQueuedThread(placer) && INVENTORY_LOCK.hasQueuedThread(canceller)
                        && placer.getState() == Thread.State.WAITING && canceller.getState() == Thread.State.WAITING,
                () -> Readiness.describe(List.of(placer, canceller)));
    }

    /** Reserves stock, then records the order: inventory lock, then orders lock. */
    static void placeOrder(String sku, int quantity, CountDownLatch latch) {
        INVENTORY_LOCK.lock();
        try {
            reserveStock(sku, quantity, latch);
            ORDERS_LOCK.lock(); // parks forever: order-canceller holds it
            try {
                System.out.println("order placed for " + quantity + " x " + sku); // never reached
            } finally {
                ORDERS_LOCK.unlock();
            }
        } finally {
            INVENTORY_LOCK.unlock();
        }
    }

    /** Marks the order cancelled, then returns its stock: orders lock, then inventory lock. */
    static void cancelOrder(String orderId, CountDownLatch latch) {
        ORDERS_LOCK.lock();
        try {
            arrive(latch); // the order is marked cancelled
            INVENTORY_LOCK.lock(); // parks forever: order-placer holds it
            try {
                System.out.println(orderId + " cancelled, stock returned"); // never reached
            } finally {
                INVENTORY_LOCK.unlock();
            }
        } finally {
            ORDERS_LOCK.unlock();
        }
    }

    private static void reserveStock(String sku, int quantity, CountDownLatch latch) {
        arrive(latch); // the stock is reserved
    }

    private static void arrive(CountDownLatch latch) {
        latch.countDown();
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
