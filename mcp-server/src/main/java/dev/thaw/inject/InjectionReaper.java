package dev.thaw.inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Follows the scripts that outlived their caller's wait ({@link Injection#lingering()}): every
 * {@value #PERIOD_MS} ms it lets each one look at its target again, so that a late end (completed,
 * failed, or the target exiting) is recorded, its output kept and its directory removed even when
 * nobody asks with read_output. The same beat forgets the turns of processes that are gone
 * ({@link TargetLocks#prune}).
 *
 * <p>Its thread starts with the first lingering script ({@link #watch}) and stops with the service;
 * a server whose scripts all end within their wait never starts it.
 */
final class InjectionReaper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InjectionReaper.class);
    static final long PERIOD_MS = 200;

    private final Supplier<List<Injection>> lingering;
    private final Consumer<Injection> look;
    private final Runnable housekeeping;
    private ScheduledExecutorService thread;
    private boolean closed;

    /**
     * @param lingering    the injections to follow now
     * @param look         one look at an injection's target, moving its state (takes the injection's monitor)
     * @param housekeeping run after each round
     */
    InjectionReaper(Supplier<List<Injection>> lingering, Consumer<Injection> look, Runnable housekeeping) {
        this.lingering = lingering;
        this.look = look;
        this.housekeeping = housekeeping;
    }

    /** A script now lingers: make sure someone follows it. */
    synchronized void watch() {
        if (thread != null || closed) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "thaw-inject-reaper");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::round, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private void round() {
        for (Injection inj : lingering.get()) {
            try {
                look.accept(inj);
            } catch (RuntimeException e) {
                LOG.debug("{}: reaper: {}", inj.id, e.toString());
            }
        }
        try {
            housekeeping.run();
        } catch (RuntimeException e) {
            LOG.debug("reaper housekeeping: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
