package dev.thaw.agent;

/** An uncaught-exception handler that drops everything: the default one prints on the app's stderr. */
final class Quiet implements Thread.UncaughtExceptionHandler {

    static final Quiet HANDLER = new Quiet();

    private Quiet() {
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        // deliberately silent: a failure is reported through status.json, or not at all
    }
}
