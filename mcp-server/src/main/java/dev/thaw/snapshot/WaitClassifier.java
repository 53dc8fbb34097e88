package dev.thaw.snapshot;

import dev.thaw.proc.TaskState;

import java.util.Set;

/**
 * Turns what the kernel says about a thread into a short verdict on what it waits for. Used by
 * engines that have no runtime-level thread state of their own (CPython).
 */
public final class WaitClassifier {

    public static final String RUNNING = "running";
    public static final String LOCK_WAIT = "lock_wait";
    /** A futex wait with a timeout: Lock.acquire(timeout=...), Event.wait(1), join(timeout): it wakes by itself. */
    public static final String TIMED_WAIT = "timed_wait";
    public static final String IO_WAIT = "io_wait";
    public static final String SLEEPING = "sleeping";
    public static final String CHILD_WAIT = "child_wait";
    public static final String DISK = "disk";
    public static final String STOPPED = "stopped";
    public static final String WAITING = "waiting";
    public static final String UNKNOWN = "unknown";

    private static final Set<String> IO = Set.of("read", "readv", "pread64", "write", "writev", "pwrite64", "poll",
            "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait", "epoll_pwait2", "recvfrom", "recvmsg",
            "recvmmsg", "sendto", "sendmsg", "accept", "accept4", "connect", "io_uring_enter", "flock", "fcntl");
    private static final Set<String> LOCK = Set.of("futex", "futex_waitv");
    private static final Set<String> SLEEP = Set.of("nanosleep", "clock_nanosleep", "pause", "rt_sigsuspend",
            "rt_sigtimedwait");
    private static final Set<String> CHILD = Set.of("wait4", "waitid");

    private WaitClassifier() {
    }

    public static String classify(TaskState t) {
        if (t == null) {
            return UNKNOWN;
        }
        if (t.state() == 'T' || t.state() == 't') {
            return STOPPED;
        }
        if (t.state() == 'R' || "running".equals(t.syscall())) {
            return RUNNING;
        }
        String s = t.syscall();
        if (s != null) {
            if (LOCK.contains(s)) {
                return timedFutex(t.syscallArgs()) ? TIMED_WAIT : LOCK_WAIT;
            }
            if (IO.contains(s)) {
                return IO_WAIT;
            }
            if (SLEEP.contains(s)) {
                return SLEEPING;
            }
            if (CHILD.contains(s)) {
                return CHILD_WAIT;
            }
        }
        if (t.state() == 'D') {
            return DISK;
        }
        return WAITING;
    }

    /** A futex wait (FUTEX_WAIT, FUTEX_WAIT_BITSET, FUTEX_LOCK_PI) whose timeout pointer is set. */
    static boolean timedFutex(String args) {
        if (args == null) {
            return false;
        }
        String[] a = args.split(" ");
        if (a.length < 4) {
            return false;
        }
        try {
            int cmd = (int) (Long.parseUnsignedLong(strip(a[1]), 16) & 0x7f);
            boolean waits = cmd == 0 || cmd == 9 || cmd == 6 || cmd == 13;
            return waits && Long.parseUnsignedLong(strip(a[3]), 16) != 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String strip(String hex) {
        return hex.startsWith("0x") ? hex.substring(2) : hex;
    }

    /** For a futex wait, the address waited on (the first syscall argument): threads waiting on the same lock share it. */
    public static String lockAddress(TaskState t) {
        if (t == null || t.syscallArgs() == null || !LOCK.contains(t.syscall())) {
            return null;
        }
        String first = t.syscallArgs().split(" ")[0];
        return "futex@" + first;
    }
}
