package dev.thaw.samples.java;

import java.util.List;
import java.util.concurrent.CyclicBarrier;

/**
 * {@code java-class-init-deadlock}: two classes whose static initializers need each other, first used
 * from two threads at once. {@code price-loader} initialises {@link Prices}, whose initializer reads
 * {@link Rates#DEFAULT}; {@code rate-loader} initialises {@link Rates}, whose initializer reads
 * {@link Prices#BASE}. Each thread holds its class's initialization and waits for the other's, forever.
 *
 * <p>No monitor and no java.util.concurrent lock is involved: the threads are RUNNABLE in the dump
 * ("in Object.wait()" on JDK 17; JDK 21+ adds "waiting on the Class initialization monitor for …"), and
 * HotSpot reports no deadlock. A barrier inside both initializers makes both start before either reads
 * the other class.
 */
public final class ClassInitDeadlock {

    static final CyclicBarrier BOTH_INITIALISING = new CyclicBarrier(2);

    private ClassInitDeadlock() {
    }

    /** Prices depend on exchange rates. */
    static final class Prices {
        static final long BASE;

        static {
            await();
            BASE = 100 * Rates.DEFAULT; // needs Rates initialised
        }

        private Prices() {
        }
    }

    /** Rates are normalised against the base price. */
    static final class Rates {
        static final long DEFAULT;

        static {
            await();
            DEFAULT = Prices.BASE / 100 + 1; // needs Prices initialised
        }

        private Rates() {
        }
    }

    static void await() {
        try {
            BOTH_INITIALISING.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long loadPrices() {
        return Prices.BASE;
    }

    static long loadRates() {
        return Rates.DEFAULT;
    }

    public static void start() {
        Thread prices = new Thread(ClassInitDeadlock::loadPrices, "price-loader");
        Thread rates = new Thread(ClassInitDeadlock::loadRates, "rate-loader");
        prices.start();
        rates.start();
        Readiness.await("java-class-init-deadlock",
                () -> waitsInInitializer(prices, "Prices") && waitsInInitializer(rates, "Rates"),
                () -> Readiness.describe(List.of(prices, rates)));
    }

    /** Parked past the barrier, in the initializer of {@code simpleName}, reading the other class. */
    static boolean waitsInInitializer(Thread t, String simpleName) {
        StackTraceElement[] st = t.getStackTrace();
        if (BOTH_INITIALISING.getNumberWaiting() != 0 || st.length == 0) {
            return false;
        }
        StackTraceElement top = st[0];
        return top.getMethodName().equals("<clinit>") && top.getClassName().endsWith("$" + simpleName)
                && t.isAlive() && t.getState() != Thread.State.TERMINATED;
    }
}
