package dev.thaw.jvm.attach;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStatus;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.ProcessKey;
import dev.thaw.proc.Suspension;
import dev.thaw.proc.Suspensions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a JVM's attach listener the way jcmd does (OpenJDK's VirtualMachineImpl): create the trigger file
 * {@code .attach_pid<nspid>} in its cwd (or its /tmp), send SIGQUIT, and poll for the socket.
 * The JVM's signal handler sees the trigger and starts the listener instead of printing a
 * thread dump; it needs about a millisecond, so we poll every 2 ms instead of jcmd's 100 ms.
 *
 * <p>SIGQUIT is sent only to a process that catches it, checked right before sending: for a JVM
 * started with -Xrs the default action of SIGQUIT is to terminate with a core dump.
 *
 * <p>Nor to a JVM that is stopped, traced or frozen ({@link Suspensions}), checked right before
 * sending: the signal would stay pending and, on resume, print a thread dump into the application's
 * stdout. Should the JVM be stopped in the moment between that check and the signal, the wait ends as
 * soon as that is seen and the trigger file stays: the pending SIGQUIT then starts the attach listener
 * on resume instead of printing a dump. Such a trigger is removed by the next attach to that JVM
 * through the same {@link AttachClients} (one per server).
 */
final class ListenerStarter {

    private static final Logger log = LoggerFactory.getLogger(ListenerStarter.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How often the wait for the socket looks whether the JVM was stopped meanwhile. */
    private static final long HELD_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * The trigger left for a pending SIGQUIT (see the class comment) per JVM, removed by the next
     * attach. Keyed by process, so a JVM reusing the pid never has a file of its own taken for ours.
     * Bounded like the other attach caches; a trigger forgotten that way stays in the JVM's
     * directory, as one left by an interrupted jcmd would.
     */
    private final BoundedCache<ProcessKey, Path> leftTriggers = new BoundedCache<>(AttachClients.CAPACITY);
    private final ProcFs proc;

    ListenerStarter(ProcFs proc) {
        this.proc = proc;
    }

    static boolean socketExists(Path socket) {
        try {
            return Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        } catch (IOException e) {
            return false;
        }
    }

    /** Returns when the socket exists; throws a {@link ThawException} saying why it does not. */
    void ensureListening(AttachTarget t, Deadline deadline) {
        if (socketExists(t.socket())) {
            removeLeftTriggers(t);
            return;
        }
        Suspensions held = new Suspensions(proc);
        held.refuseIfHeld(t.pid(), "attach to JVM");
        Path trigger = createTrigger(t);
        boolean leaveTrigger = false;
        try {
            ProcStatus status = proc.status(t.pid());
            if (!status.catches(ProcStatus.SIGQUIT)) {
                throw new ThawException(ErrorCode.ATTACH_NO_SIGNAL, "JVM " + t.pid() + " has no attach socket and does not"
                        + " catch SIGQUIT (started with -Xrs?), so its attach listener cannot be started;"
                        + " thaw does not send a signal that would kill it.",
                        "Restart the JVM with -XX:+StartAttachListener so its attach socket exists from startup.");
            }
            held.refuseIfHeld(t.pid(), "attach to JVM");
            sigquit(proc, t.pid(), deadline);
            long start = System.nanoTime();
            long nextHeldCheck = start + HELD_CHECK_NANOS;
            while (!socketExists(t.socket())) {
                if (System.nanoTime() - nextHeldCheck >= 0) {
                    nextHeldCheck = System.nanoTime() + HELD_CHECK_NANOS;
                    Optional<Suspension> now = held.of(t.pid());
                    if (now.isPresent()) {
                        leaveTrigger = trigger != null;
                        throw now.get().refusal("attach to JVM");
                    }
                }
                if (deadline.expired()) {
                    if (!proc.exists(t.pid())) {
                        throw new ProcessGoneException(t.pid());
                    }
                    throw new ThawException(ErrorCode.ATTACH_TIMEOUT, "JVM " + t.pid() + " did not start its attach listener"
                            + " within " + deadline.total().toMillis() + " ms of SIGQUIT (it may have printed a"
                            + " thread dump to its stdout instead).",
                            "Check that thaw runs as the JVM's user (or root) and that the JVM's /tmp is writable;"
                                    + " a JVM started with -XX:+StartAttachListener needs no handshake.");
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
            log.debug("pid {}: attach listener up {} us after SIGQUIT", t.pid(), (System.nanoTime() - start) / 1000);
            removeLeftTriggers(t);
        } finally {
            if (leaveTrigger) {
                leftTriggers.put(t.key(), trigger);
                log.info("pid {}: stopped right after thaw's SIGQUIT; {} stays until the next attach so that the"
                        + " pending signal starts the attach listener instead of printing a thread dump", t.pid(), trigger);
            } else if (trigger != null) {
                try {
                    Files.deleteIfExists(trigger);
                } catch (IOException e) {
                    log.debug("pid {}: could not remove {}: {}", t.pid(), trigger, e.toString());
                }
            }
        }
    }

    /** Removes the triggers an earlier attach left for a pending SIGQUIT to this JVM: the listener is up now. */
    private void removeLeftTriggers(AttachTarget t) {
        if (leftTriggers.size() == 0) {
            return;
        }
        Path p = leftTriggers.remove(t.key());
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.debug("pid {}: could not remove {}: {}", t.pid(), p, e.toString());
            }
        }
    }

    /** The trigger we created (to delete afterwards), or null if one was already there. */
    private Path createTrigger(AttachTarget t) {
        for (Path p : new Path[] {t.cwdTrigger(), t.tmpTrigger()}) {
            try {
                // Never chowned to the JVM's user: root handing a path in a directory that user
                // controls to that user could be turned (a hard link swapped in) into giving away a
                // root file. JDK 8, the only release that wants the trigger owned by its own user,
                // also refuses root as a peer, so a root thaw is refused before getting here.
                Files.createFile(p);
                return p;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // Ours from an attach that found the JVM stopped: ours to remove again. Otherwise another
                // client is attaching, and its trigger serves us too.
                return takeLeftTrigger(t, p) ? p : null;
            } catch (IOException e) {
                log.debug("pid {}: cannot create trigger {}: {}", t.pid(), p, e.toString());
            }
        }
        // A JVM that just died has no cwd or root to create anything in (seen with chrooted JVMs
        // killed mid-operation): that is not a permission problem.
        if (dying(proc, t.pid())) {
            throw new ProcessGoneException(t.pid());
        }
        throw new ThawException(ErrorCode.ATTACH_TRIGGER, "Cannot create the attach trigger file .attach_pid" + t.nsPid()
                + " in JVM " + t.pid() + "'s working directory or /tmp.",
                "Run thaw as the JVM's user or as root (with CAP_SYS_PTRACE for /proc/PID/cwd).");
    }

    /** Whether {@code p} is the trigger an earlier attach left for this JVM; it is ours again if so. */
    private boolean takeLeftTrigger(AttachTarget t, Path p) {
        Path left = leftTriggers.get(t.key());
        if (p.equals(left)) {
            leftTriggers.remove(t.key());
            return true;
        }
        return false;
    }

    private static boolean dying(ProcFs proc, int pid) {
        try {
            return !proc.exists(pid) || proc.status(pid).isZombie() || proc.readString(pid, "maps").isEmpty();
        } catch (ProcessGoneException e) {
            return true; // its /proc entry went away while we looked
        } catch (RuntimeException e) {
            return false; // unreadable: the permission message below is the right one
        }
    }

    /** kill -QUIT through kill(1): Java 17 has no API for sending a signal. */
    private static void sigquit(ProcFs proc, int pid, Deadline deadline) {
        try {
            Process kill = new ProcessBuilder("kill", "-QUIT", Integer.toString(pid))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(Math.max(1, deadline.remainingMillis()), TimeUnit.MILLISECONDS)) {
                kill.destroyForcibly();
                throw new ThawException(ErrorCode.ATTACH_TIMEOUT, "kill -QUIT " + pid + " did not finish in time.", null);
            }
            if (kill.exitValue() != 0) {
                if (!proc.exists(pid)) {
                    throw new ProcessGoneException(pid);
                }
                String out = new String(kill.getInputStream().readAllBytes()).trim();
                throw new ThawException(ErrorCode.PERMISSION_DENIED, "Cannot signal JVM " + pid + ": " + out,
                        "Run thaw as the JVM's user or as root.");
            }
        } catch (IOException e) {
            throw new ThawException(ErrorCode.ATTACH_SIGNAL, "Cannot run kill(1) to start JVM " + pid
                    + "'s attach listener: " + e.getMessage(), "Install procps/coreutils kill on the server's PATH.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ThawException(ErrorCode.INTERRUPTED, "Interrupted while signalling JVM " + pid + ".", null, e);
        }
    }
}
