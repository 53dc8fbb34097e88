package dev.thaw.samples.java;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * java-pinned-carriers: a virtual-thread service whose carriers are all pinned, so the one virtual
 * thread that would release them never runs.
 *
 * <p>Two quote handlers ({@code quote-handler-1}, {@code quote-handler-2}) each touch a rules class
 * for the first time ({@code PricingRules}, {@code TaxRules}); each class's static initializer waits
 * for the rules to be loaded ({@code rulesLoaded.await()} in {@code awaitRules}). A virtual thread
 * that parks inside a class initializer cannot unmount: it parks its carrier with it (on every JDK,
 * 21 to 25). The service runs with 2 carriers ({@code jdk.virtualThreadScheduler.parallelism=2}),
 * so both are pinned, and the {@code rules-loader} virtual thread, started next to count the latch
 * down, never gets a carrier: it stays runnable with no stack, and the handlers wait forever. No
 * error, no deadlock report; a virtual-thread dump shows the handlers in
 * {@code VirtualThread.parkOnCarrierThread} and the loader with no frames.
 *
 * <p>Compiled at --release 17: the JDK 21 API ({@code Thread.ofVirtual()}) is called reflectively, and
 * on an older JDK {@link #start()} exits with status 2. Deterministic: the loader starts only once
 * both handlers are parked inside their initializers (both carriers pinned), so it can never run.
 */
public final class PinnedCarriers {

    static final CountDownLatch rulesLoaded = new CountDownLatch(1);

    private PinnedCarriers() {
    }

    static void awaitRules() {
        try {
            rulesLoaded.await(); // inside a class initializer: pins the carrier while it waits
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final class PricingRules {
        static {
            awaitRules();
        }

        static void touch() {
        }
    }

    static final class TaxRules {
        static {
            awaitRules();
        }

        static void touch() {
        }
    }

    static void handleQuote(Runnable rules) {
        rules.run(); // first use of the rules class runs its static initializer
    }

    static void loadRules() {
        rulesLoaded.countDown(); // never runs: no carrier is free
    }

    public static void start() throws Exception {
        if (Runtime.version().feature() < 21) {
            System.err.println("java-pinned-carriers needs JDK 21 or newer (virtual threads); this JVM is "
                    + System.getProperty("java.version") + " (" + System.getProperty("java.home")
                    + "). Run it with a JDK 21+ java.");
            System.exit(2);
        }
        // As a service sized with -Djdk.virtualThreadScheduler.parallelism=2: read when the scheduler is
        // created, at the first virtual thread, so set before any.
        System.setProperty("jdk.virtualThreadScheduler.parallelism", "2");
        System.setProperty("jdk.virtualThreadScheduler.maxPoolSize", "2");
        List<Thread> handlers = new ArrayList<>();
        handlers.add(virtual("quote-handler-1").newThread(() -> handleQuote(PricingRules::touch)));
        handlers.add(virtual("quote-handler-2").newThread(() -> handleQuote(TaxRules::touch)));
        handlers.forEach(Thread::start);
        // Both parked inside their class initializers: both carriers are pinned from here on.
        Readiness.await("java-pinned-carriers",
                () -> handlers.stream().allMatch(t -> Readiness.parkedOn(t, AbstractQueuedSynchronizer.class)),
                () -> Readiness.describe(handlers));
        Thread loader = virtual("rules-loader").newThread(PinnedCarriers::loadRules);
        loader.start(); // runnable, and no carrier will ever be free to run it
        List<Thread> all = new ArrayList<>(handlers);
        all.add(loader);
        Readiness.await("java-pinned-carriers",
                () -> loader.getState() == Thread.State.RUNNABLE && rulesLoaded.getCount() == 1,
                () -> Readiness.describe(all));
    }

    /** {@code Thread.ofVirtual().name(name).factory()}, by reflection. */
    private static ThreadFactory virtual(String name) throws ReflectiveOperationException {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        builder = builderType.getMethod("name", String.class).invoke(builder, name);
        return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
    }
}
