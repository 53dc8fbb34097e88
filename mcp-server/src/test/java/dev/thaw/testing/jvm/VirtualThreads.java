package dev.thaw.testing.jvm;

import java.lang.reflect.Method;
import java.util.concurrent.CountDownLatch;

/**
 * Starts virtual threads (JDK 21+) through reflection, because the test targets compile at
 * --release 8: {@code Thread.ofVirtual().name("vt-", 0).start(task)}.
 */
final class VirtualThreads {

    static final CountDownLatch NEVER = new CountDownLatch(1);

    private VirtualThreads() {
    }

    /** Two virtual threads, vt-A and vt-B, deadlocked on two monitors. */
    static void deadlock() throws Exception {
        Object a = new Object();
        Object b = new Object();
        CountDownLatch both = new CountDownLatch(2);
        Method ofVirtual = Thread.class.getMethod("ofVirtual");
        Class<?> ofv = Class.forName("java.lang.Thread$Builder$OfVirtual");
        Method name = ofv.getMethod("name", String.class);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        start.invoke(name.invoke(ofVirtual.invoke(null), "vt-A"), (Runnable) () -> lockBoth(a, b, both));
        start.invoke(name.invoke(ofVirtual.invoke(null), "vt-B"), (Runnable) () -> lockBoth(b, a, both));
        both.await();
    }

    private static void lockBoth(Object first, Object second, CountDownLatch both) {
        synchronized (first) {
            both.countDown();
            try {
                both.await();
            } catch (InterruptedException e) {
                return;
            }
            synchronized (second) {
                NEVER.countDown();
            }
        }
    }

    static void start(int n) throws Exception {
        Method ofVirtual = Thread.class.getMethod("ofVirtual");
        Object builder = ofVirtual.invoke(null);
        Class<?> ofv = Class.forName("java.lang.Thread$Builder$OfVirtual");
        builder = ofv.getMethod("name", String.class, long.class).invoke(builder, "vt-", 0L);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        for (int i = 0; i < n; i++) {
            start.invoke(builder, (Runnable) () -> {
                try {
                    NEVER.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }
}
