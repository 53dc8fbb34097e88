package dev.thaw.python;

import dev.thaw.proc.ProcFs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Stops a process for the few milliseconds of a read, for one consistent picture of a target that
 * churns threads, frames or objects, and guarantees that it runs again.
 *
 * <p>How: a watchdog process, in a session of its own, sends SIGSTOP, then waits on a pipe from
 * thaw, and sends SIGCONT as soon as the pipe closes or {@link #MAX_PAUSE_SECONDS} pass. thaw closes
 * the pipe when it has read; if thaw dies meanwhile (even by SIGKILL) the kernel closes the pipe, so
 * the target is continued at once; a Ctrl-C of thaw's process group does not reach the watchdog
 * (own session). What can still leave the target stopped: the watchdog itself killed between its
 * SIGSTOP and its SIGCONT (a kill aimed at it by pid, or the OOM killer), which is why the pause is
 * short and the watchdog is tiny. ptrace (SEIZE + INTERRUPT of every thread) would be released by the
 * kernel on any tracer death, but needs a native call Java 17 cannot make; it is the better design for
 * a native helper.
 *
 * <p>What the target sees: its threads stop and continue (a parent waiting with WUNTRACED or
 * WCONTINUED is told; a system call with a timeout may return EINTR, which Python retries). A
 * process that is already stopped is left alone (thaw would otherwise continue it).
 */
public final class TargetPause {

    static final double MAX_PAUSE_SECONDS = 0.5;
    /** How long to wait for every thread to reach the stop (a thread in an uninterruptible sleep stops later). */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Path BASH = Path.of("/bin/bash");

    /**
     * The watchdog ($1 = pid): stop, then continue on the first of end of input (thaw done or dead)
     * and the timeout.
     */
    static final String WATCHDOG = "kill -STOP \"$1\" || exit 1; read -r -t " + MAX_PAUSE_SECONDS + " _; kill -CONT \"$1\"";

    /** What the read returned, and how the pause went. */
    public record Result<T>(T value, Double pausedMs, String note) {
    }

    private TargetPause() {
    }

    public static <T> Result<T> during(ProcFs procFs, int pid, Supplier<T> read) {
        if (!Files.isExecutable(SETSID) || !Files.isExecutable(BASH)) {
            return new Result<>(read.get(), null, "consistent read unavailable (" + SETSID + " or " + BASH
                    + " missing): read while the target runs");
        }
        if (anyStopped(procFs, pid)) {
            return new Result<>(read.get(), null, "the process is already stopped (by a debugger or job control): "
                    + "thaw read it as it is and did not continue it");
        }
        ProcessBuilder pb = new ProcessBuilder(SETSID.toString(), BASH.toString(), "-c", WATCHDOG, "thaw-pause",
                Integer.toString(pid)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        long start = System.nanoTime();
        Process watchdog;
        try {
            watchdog = pb.start();
        } catch (IOException e) {
            return new Result<>(read.get(), null, "consistent read unavailable (" + e.getMessage() + "): read while "
                    + "the target runs");
        }
        boolean allStopped = false;
        T value;
        try {
            while (System.nanoTime() - start < SETTLE_NANOS + TimeUnit.MILLISECONDS.toNanos(200)) {
                if (allStopped(procFs, pid)) {
                    allStopped = true;
                    break;
                }
                if (!watchdog.isAlive() || System.nanoTime() - start > SETTLE_NANOS + TimeUnit.MILLISECONDS.toNanos(200)) {
                    break;
                }
                Thread.onSpinWait();
            }
            value = read.get();
        } finally {
            release(watchdog);
        }
        double ms = (System.nanoTime() - start) / 1e6;
        String note = allStopped ? null : "not every thread had stopped when thaw read (a thread in an uninterruptible "
                + "sleep, or the stop came late): the read may not be consistent";
        return new Result<>(value, ms, note);
    }

    /** Closes the watchdog's pipe (it continues the target) and waits for it to have done so. */
    private static void release(Process watchdog) {
        try (OutputStream in = watchdog.getOutputStream()) {
            in.flush();
        } catch (IOException ignored) {
            // closed either way
        }
        try {
            if (!watchdog.waitFor(2, TimeUnit.SECONDS)) {
                // It continues the target on its own within MAX_PAUSE_SECONDS; nothing to add.
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean anyStopped(ProcFs procFs, int pid) {
        for (int tid : procFs.tids(pid)) {
            char s = state(procFs, pid, tid);
            if (s == 'T' || s == 't') {
                return true;
            }
        }
        return false;
    }

    private static boolean allStopped(ProcFs procFs, int pid) {
        List<Integer> tids = procFs.tids(pid);
        for (int tid : tids) {
            char s = state(procFs, pid, tid);
            if (s != 'T' && s != 't' && s != 'X' && s != 'Z' && s != '?') {
                return false;
            }
        }
        return !tids.isEmpty();
    }

    private static char state(ProcFs procFs, int pid, int tid) {
        try {
            return procFs.taskStat(pid, tid).state();
        } catch (RuntimeException e) {
            return '?'; // the thread is gone
        }
    }
}
