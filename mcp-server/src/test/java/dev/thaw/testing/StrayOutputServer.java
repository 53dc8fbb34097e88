package dev.thaw.testing;

import dev.thaw.cli.Main;

/**
 * {@code thaw serve} with a misbehaving neighbour: a thread that keeps calling System.out.println,
 * as a careless library might. The protocol must survive it (the text belongs on stderr).
 */
public final class StrayOutputServer {

    private StrayOutputServer() {
    }

    @SuppressWarnings("java:S106")
    public static void main(String[] args) {
        Thread noisy = new Thread(() -> {
            while (true) {
                System.out.println("stray output from a library thread");
                System.out.print("partial line without newline ");
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "noisy-library");
        noisy.setDaemon(true);
        Main.main(new String[] {"serve"});
        noisy.start();
    }
}
