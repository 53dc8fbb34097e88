package dev.thaw.python.inject;

import dev.thaw.proc.ProcessMemory;
import dev.thaw.python.DebugOffsets;
import dev.thaw.python.PythonCaches;
import dev.thaw.python.SignalHandlers;
import dev.thaw.python.SignalHandlers.Handler;
import dev.thaw.python.SignalHandlers.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a signal could wake the main thread of a blocked Python process without changing what
 * the program does. A signal whose handler is a Python function makes the main thread run it at
 * its next {@code PyErr_CheckSignals}, which also runs a pending PEP 768 script — so the signal
 * "nudges" a blocked main thread to a safe point. But the handler runs too: Celery's SIGHUP handler
 * restarts the worker, the default SIGINT handler raises KeyboardInterrupt, SIG_DFL ends the process
 * for most signals. So thaw proposes a signal only when its handler, read from memory
 * ({@link SignalHandlers}), provably does nothing, and never sends one itself.
 *
 * <p>Not proposed, whatever the handler: SIGINT, SIGKILL, SIGSTOP, SIGCONT and the crash signals;
 * and no signal at all when the program also hears signals through {@code signal.set_wakeup_fd}
 * (asyncio's {@code add_signal_handler} installs a do-nothing Python handler and does the real work
 * in its event loop, woken through that descriptor).
 */
final class SignalNudges {

    /** Signals never proposed: KeyboardInterrupt, uncatchable, continue, and crash signals. */
    private static final Set<Integer> NEVER = Set.of(2, 4, 5, 6, 7, 8, 9, 11, 18, 19, 31);
    private static final String[] NAMES = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
        "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM",
        "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};
    /**
     * What was read: the handlers (empty when they could not be found), and the wakeup descriptor
     * (-1 none; null unknown).
     */
    record Reading(Optional<Map<Integer, Handler>> handlers, Integer wakeupFd) {

        static final Reading UNKNOWN = new Reading(Optional.empty(), null);

        /** The first signal whose handler provably does nothing, if any may be proposed. */
        Optional<Handler> harmless() {
            if (handlers.isEmpty() || wakeupFd == null || wakeupFd != -1) {
                return Optional.empty();
            }
            return handlers.get().values().stream()
                    .filter(h -> h.signal() < NAMES.length && !NEVER.contains(h.signal()) && h.kind() == Kind.NO_OP)
                    .findFirst();
        }

        /** Python handlers that thaw will not propose, with why; empty when there are none. */
        List<String> refused() {
            List<String> out = new ArrayList<>();
            if (handlers.isEmpty()) {
                return out;
            }
            for (Handler h : handlers.get().values()) {
                if (h.signal() >= NAMES.length) {
                    continue;
                }
                String n = name(h.signal());
                switch (h.kind()) {
                    case INT_HANDLER -> {
                        if (h.signal() != 2) {
                            out.add(n + " raises KeyboardInterrupt (signal.default_int_handler)");
                        }
                    }
                    case CALLABLE -> out.add(n + " runs " + h.name() + ", which could change the program (thaw "
                            + "cannot tell what it does)");
                    case NO_OP -> {
                        if (wakeupFd == null || wakeupFd != -1) {
                            out.add(n + "'s handler " + h.name() + " does nothing, but the program also hears signals "
                                    + "through signal.set_wakeup_fd (asyncio does), where they may do anything");
                        }
                    }
                    default -> {
                    }
                }
            }
            return out;
        }
    }

    private SignalNudges() {
    }

    static Reading read(ProcessMemory mem, DebugOffsets d, long runtime, PythonCaches caches) {
        Optional<SignalHandlers.Table> t = SignalHandlers.read(mem, d, runtime, caches);
        return new Reading(t.map(SignalHandlers.Table::handlers), t.map(SignalHandlers.Table::wakeupFd).orElse(null));
    }

    static String name(int signal) {
        return signal > 0 && signal < NAMES.length ? NAMES[signal] : "signal " + signal;
    }

    /** One sentence proposing {@code h}, for a process whose main thread is armed. */
    static String propose(Handler h, int pid) {
        String n = name(h.signal());
        return "The program handles " + n + " with " + h.name() + ", whose code does nothing (it only returns): "
                + "kill -" + n.substring(3) + " " + pid + " makes the main thread run it, and the script with it, "
                + "without changing the program. thaw never sends signals itself.";
    }

    /** Why no signal is proposed. */
    static String noneProposed(Reading r) {
        if (r.handlers().isEmpty()) {
            return "thaw could not read the program's signal handlers, so it proposes no signal to wake a thread "
                    + "(sending one could run a handler that restarts or stops the program). thaw never sends signals.";
        }
        List<String> refused = r.refused();
        if (refused.isEmpty()) {
            return "No signal can wake a thread harmlessly: the program installed no Python signal handler, and for "
                    + "the others the default action ends the process or the signal is ignored (SIGINT raises "
                    + "KeyboardInterrupt). thaw never sends signals.";
        }
        return "No signal is proposed to wake a thread: " + String.join("; ", refused) + ". thaw never sends signals.";
    }
}
