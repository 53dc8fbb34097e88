package dev.thaw.testing.jvm;

/**
 * A JVM that does nothing: prints {@code READY pid=<pid> version=<java.version>} and sleeps
 * until killed. Thread dumps from SIGQUIT land on its stdout, which the test drains.
 */
public final class IdleTarget {

    private IdleTarget() {
    }

    public static void main(String[] args) throws InterruptedException {
        TargetSupport.ready();
        Thread.sleep(Long.MAX_VALUE);
    }
}
