package dev.thaw.testing.jvm;

import java.util.concurrent.CountDownLatch;

/**
 * Target of jvm.deadlocks' class-initialization rule (Java 8 source: JDK 8 to 25). "fee-loader" initialises
 * {@link Fees}, whose initializer needs {@link Taxes}; "tax-loader" initialises {@link Taxes}, whose
 * initializer needs {@link Fees}: each waits inside the VM for the other's initialization, forever. The
 * main thread then sleeps in application code. Prints "READY pid=N" once both loaders sit in their
 * initializer past the point where both had started, at the same line for several looks.
 */
public final class ClassInitHang {

    static final CountDownLatch BOTH_STARTED = new CountDownLatch(2);

    private ClassInitHang() {
    }

    static final class Fees {
        static final long FLAT;

        static {
            bothStarted();
            FLAT = Taxes.RATE + 1;       // needs Taxes initialised
        }

        private Fees() {
        }
    }

    static final class Taxes {
        static final long RATE;

        static {
            bothStarted();
            RATE = Fees.FLAT * 2;        // needs Fees initialised
        }

        private Taxes() {
        }
    }

    static void bothStarted() {
        BOTH_STARTED.countDown();
        try {
            BOTH_STARTED.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        Thread fees = new Thread(new Runnable() {
            @Override
            public void run() {
                System.out.println(Fees.FLAT);
            }
        }, "fee-loader");
        Thread taxes = new Thread(new Runnable() {
            @Override
            public void run() {
                System.out.println(Taxes.RATE);
            }
        }, "tax-loader");
        fees.setDaemon(true);
        taxes.setDaemon(true);
        fees.start();
        taxes.start();
        int stable = 0;
        while (stable < 20) {
            stable = BOTH_STARTED.getCount() == 0 && pastStart(fees) && pastStart(taxes) ? stable + 1 : 0;
            Thread.sleep(5);
        }
        TargetSupport.ready();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Top frame in the initializer, past bothStarted(): reading the other class. */
    private static boolean pastStart(Thread t) {
        StackTraceElement[] st = t.getStackTrace();
        return st.length > 0 && st[0].getMethodName().equals("<clinit>") && t.getState() == Thread.State.RUNNABLE;
    }
}
