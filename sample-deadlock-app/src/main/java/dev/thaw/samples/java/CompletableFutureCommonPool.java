package dev.thaw.samples.java;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * {@code CompletableFuture.join()} inside common-pool tasks that wait on each other. A checkout
 * prices a cart by computing the order total and the loyalty discount in parallel on the common
 * pool ({@code completeAsync}), each memoised as a quote of the cart. The total is the subtotal
 * minus the discount; the discount was recently changed to depend on the total ("5% off orders of
 * 100 or more"). So the total's task joins the discount's future and the discount's task joins the
 * total's future: two common-pool workers parked in {@code CompletableFuture.join} forever. No lock
 * is involved and nothing owns a future, so HotSpot finds no deadlock; only the stacks tell it.
 *
 * <p>Why a cycle and not work queued behind the joiners: a worker blocked in {@code join} is
 * compensated by the pool. JDK 17 starts spare workers (up to 256 for the common pool); JDK 19+
 * keeps at least one worker active ({@code tryCompensate} creates a spare once the others block),
 * and {@code helpAsyncBlocker} runs queued async tasks from the joiner's own queue. Work queued
 * behind the joiners therefore runs eventually; a cycle never completes, on any core count.
 *
 * <p>Common-pool parallelism is cores - 1: 1 on a 2-core machine, where JDK 17's
 * CompletableFuture would not use the common pool at all (one new thread per task). So
 * {@link #start()} sets {@code java.util.concurrent.ForkJoinPool.common.parallelism} (unless
 * already set to 2 or more) before the first use of the pool, making the scenario the same on every
 * machine. Both tasks are submitted from the main thread, so neither lands in the other worker's
 * local queue: each runs on its own worker. {@link #start()} returns once both quotes have a
 * waiter and two common-pool workers are parked in join.
 */
public final class CompletableFutureCommonPool {

    static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    static final int DEFAULT_PARALLELISM = 4;

    private final Map<String, BigDecimal> cart;
    private final Map<String, CompletableFuture<BigDecimal>> quotes = new ConcurrentHashMap<>();

    CompletableFutureCommonPool(Map<String, BigDecimal> cart) {
        this.cart = cart;
    }

    /** Starts the scenario; exits with status 2 when the common pool cannot be given 2+ workers. */
    public static void start() {
        usePoolOfAtLeastTwo();
        CompletableFutureCommonPool checkout = new CompletableFutureCommonPool(Map.of(
                "espresso machine", new BigDecimal("89.90"), "coffee beans 1kg", new BigDecimal("24.50")));
        checkout.priceCart();
        CompletableFuture<BigDecimal> total = checkout.quote("total");
        CompletableFuture<BigDecimal> discount = checkout.quote("discount");
        Readiness.await("java-completablefuture-commonpool",
                () -> total.getNumberOfDependents() > 0 && discount.getNumberOfDependents() > 0
                        && joiningWorkers().size() == 2,
                () -> "total has " + total.getNumberOfDependents() + " waiter(s), discount "
                        + discount.getNumberOfDependents() + "; common-pool workers parked in join: "
                        + Readiness.describe(joiningWorkers()));
    }

    /** Prices the cart: the total and the loyalty discount are computed in parallel. */
    CompletableFuture<BigDecimal> priceCart() {
        quote("total").completeAsync(this::orderTotal);
        quote("discount").completeAsync(this::loyaltyDiscount);
        return quote("total");
    }

    /** The memoised quote of one part of the price, completed by whoever computes it. */
    CompletableFuture<BigDecimal> quote(String part) {
        return quotes.computeIfAbsent(part, p -> new CompletableFuture<>());
    }

    /** Subtotal minus the loyalty discount. */
    BigDecimal orderTotal() {
        BigDecimal subtotal = cart.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        return subtotal.subtract(quote("discount").join()); // waits for loyaltyDiscount
    }

    /** 5% off orders of 100 or more: depends on the order total, which depends on the discount. */
    BigDecimal loyaltyDiscount() {
        BigDecimal total = quote("total").join(); // waits for orderTotal
        return total.compareTo(new BigDecimal("100")) >= 0
                ? total.multiply(new BigDecimal("0.05")).setScale(2, RoundingMode.HALF_UP)
                : BigDecimal.ZERO;
    }

    private static void usePoolOfAtLeastTwo() {
        String preset = System.getProperty(PARALLELISM);
        if (preset == null || !preset.trim().matches("\\d+") || Integer.parseInt(preset.trim()) < 2) {
            System.setProperty(PARALLELISM, Integer.toString(DEFAULT_PARALLELISM));
        }
        int parallelism = ForkJoinPool.getCommonPoolParallelism(); // creates the common pool
        if (parallelism < 2) {
            System.err.println("java-completablefuture-commonpool needs a common pool of 2 or more workers, got "
                    + parallelism + " (was the pool created before the scenario set " + PARALLELISM + "?)");
            System.exit(2);
        }
    }

    /** Common-pool workers parked in CompletableFuture.join (their park blocker is its Signaller). */
    private static List<Thread> joiningWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t instanceof ForkJoinWorkerThread
                        && ((ForkJoinWorkerThread) t).getPool() == ForkJoinPool.commonPool())
                .filter(t -> t.getState() == Thread.State.WAITING)
                .filter(t -> {
                    Object blocker = LockSupport.getBlocker(t);
                    return blocker != null && blocker.getClass().getName().equals(
                            "java.util.concurrent.CompletableFuture$Signaller");
                })
                .collect(Collectors.toList());
    }
}
