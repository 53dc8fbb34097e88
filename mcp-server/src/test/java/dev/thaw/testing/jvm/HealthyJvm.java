package dev.thaw.testing.jvm;

import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * A healthy JVM at rest, every way a service sits still: a fixed pool and a scheduled pool whose
 * workers wait for work, the common ForkJoinPool after a parallel job, a server thread in accept() with
 * no clients, a CPU-bound worker that computes, and main parked on a shutdown latch. thaw must raise no hang finding and
 * call no group stuck. Prints the ready line once every part has started.
 */
public final class HealthyJvm {

    private HealthyJvm() {
    }

    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 8; i++) {
            pool.submit(() -> Math.sqrt(42)).get();
        }
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(1);
        ticks.scheduleAtFixedRate(() -> { }, 10, 10, TimeUnit.SECONDS);
        CompletableFuture.supplyAsync(() -> IntStream.range(0, 1000).parallel().sum()).get();
        ServerSocket server = new ServerSocket(0);
        Thread acceptor = new Thread(() -> {
            while (true) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(1);
                } catch (Exception e) {
                    return;
                }
            }
        }, "acceptor");
        acceptor.start();
        Thread cruncher = new Thread(() -> {
            long n = 0;
            while (true) {
                n = (n * 31 + 7) % 1_000_003;
                if (n == -1) {
                    System.out.println(n);
                }
            }
        }, "cruncher");
        cruncher.setDaemon(true);
        cruncher.start();
        Thread.sleep(300);
        TargetSupport.ready();
        // main keeps the JVM alive the way services do: parked on a shutdown latch nobody counts down yet
        new CountDownLatch(1).await();
    }
}
