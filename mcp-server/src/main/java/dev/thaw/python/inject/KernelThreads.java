package dev.thaw.python.inject;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStat;
import dev.thaw.proc.ProcessMemory;
import dev.thaw.proc.SyscallNames;

import java.nio.ByteBuffer;

/**
 * Reads what a thread is blocked in from {@code /proc/PID/task/TID/{stat,syscall}} and estimates
 * whether (and when) it wakes up by itself. Reading these files never stops or wakes the thread: the
 * kernel answers "running" for a thread on a CPU.
 *
 * <p>The timeouts of sleeping calls are read from the target's memory (the timespec the call was
 * given): {@code time.sleep(0.01)} is {@code clock_nanosleep} with 10 ms, {@code Lock.acquire()}
 * without timeout is a {@code futex} wait with a NULL timeout.
 */
final class KernelThreads {

    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_LOCK_PI = 6;
    private static final int FUTEX_WAIT_BITSET = 9;
    private static final int FUTEX_WAIT_REQUEUE_PI = 11;
    private static final int FUTEX_LOCK_PI2 = 13;
    private static final int FUTEX_CLOCK_REALTIME = 256;
    private static final int TIMER_ABSTIME = 1;
    private static final int CLOCK_REALTIME = 0;

    private final ProcFs proc;
    private final int pid;
    private final ProcessMemory mem;

    /** @param mem read access to the target, for timeouts; null to skip them (bounds stay unknown) */
    KernelThreads(ProcFs proc, int pid, ProcessMemory mem) {
        this.proc = proc;
        this.pid = pid;
        this.mem = mem;
    }

    KernelThread read(long tid) {
        ProcStat st;
        try {
            st = proc.taskStat(pid, (int) tid);
        } catch (RuntimeException e) {
            return new KernelThread(tid, "", 'X', null, WaitKind.UNKNOWN, null, "thread not found");
        }
        return read(tid, st);
    }

    /** Like {@link #read(long)}, with the thread's {@code stat} already read. */
    KernelThread read(long tid, ProcStat st) {
        return read(tid, (int) tid, st);
    }

    /**
     * @param tid     the id the interpreter recorded (its own PID namespace's)
     * @param hostTid the same thread's id in {@code /proc} here ({@link dev.thaw.proc.TaskIds})
     */
    KernelThread read(long tid, int hostTid, ProcStat st) {
        String dir = "task/" + hostTid + "/";
        char state = st.state();
        String name = st.comm();
        String line = null;
        // The kernel refuses the read now and then while the thread changes state: look again.
        for (int attempt = 0; attempt < 3 && line == null; attempt++) {
            try {
                line = proc.readString(pid, dir + "syscall").trim();
            } catch (RuntimeException e) {
                line = null;
            }
        }
        if (state == 'R' || "running".equals(line)) {
            return new KernelThread(tid, name, state, "running", WaitKind.RUNNING, 0L, "on a CPU");
        }
        if (state == 'D') {
            return new KernelThread(tid, name, state, line == null ? null : syscallName(line), WaitKind.BOUNDED, null,
                    "in uninterruptible (disk) sleep");
        }
        if (line == null || line.isEmpty() || line.startsWith("-1")) {
            return new KernelThread(tid, name, state, null, WaitKind.UNKNOWN, null, "system call unreadable");
        }
        String[] f = line.split(" ");
        int nr;
        try {
            nr = Integer.parseInt(f[0]);
        } catch (NumberFormatException e) {
            return new KernelThread(tid, name, state, null, WaitKind.UNKNOWN, null, "system call unreadable");
        }
        long[] a = new long[6];
        for (int i = 0; i < 6 && i + 1 < f.length; i++) {
            a[i] = parseHex(f[i + 1]);
        }
        String call = SyscallNames.name(nr);
        return classify(tid, name, state, call, a);
    }

    private KernelThread classify(long tid, String name, char state, String call, long[] a) {
        switch (call) {
            case "futex" -> {
                int op = (int) a[1];
                int cmd = op & 0x7f;
                if (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAIT_REQUEUE_PI
                        || cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2) {
                    if (a[3] == 0) {
                        return unbounded(tid, name, state, call, "futex wait without timeout (a lock, condition or "
                                + "queue wait with no timeout)");
                    }
                    boolean absolute = cmd != FUTEX_WAIT;
                    Long ms = timespecMs(a[3], absolute, (op & FUTEX_CLOCK_REALTIME) != 0);
                    return bounded(tid, name, state, call, ms, "futex wait with a timeout", absolute);
                }
                return new KernelThread(tid, name, state, call, WaitKind.UNKNOWN, null, "futex operation " + cmd);
            }
            case "nanosleep" -> {
                return bounded(tid, name, state, call, timespecMs(a[0], false, false), "sleep");
            }
            case "clock_nanosleep" -> {
                boolean abs = (a[1] & TIMER_ABSTIME) != 0;
                return bounded(tid, name, state, call, timespecMs(a[2], abs, a[0] == CLOCK_REALTIME), "sleep", abs);
            }
            case "poll" -> {
                return msTimeout(tid, name, state, call, (int) a[2]);
            }
            case "epoll_wait", "epoll_pwait" -> {
                return msTimeout(tid, name, state, call, (int) a[3]);
            }
            case "epoll_pwait2" -> {
                return a[3] == 0 ? unbounded(tid, name, state, call, call + " without timeout")
                        : bounded(tid, name, state, call, timespecMs(a[3], false, false), call);
            }
            case "ppoll" -> {
                return a[2] == 0 ? unbounded(tid, name, state, call, "ppoll without timeout")
                        : bounded(tid, name, state, call, timespecMs(a[2], false, false), "ppoll");
            }
            case "select" -> {
                return a[4] == 0 ? unbounded(tid, name, state, call, "select without timeout")
                        : bounded(tid, name, state, call, timevalMs(a[4]), "select");
            }
            case "pselect6" -> {
                return a[4] == 0 ? unbounded(tid, name, state, call, "pselect without timeout")
                        : bounded(tid, name, state, call, timespecMs(a[4], false, false), "pselect");
            }
            case "read", "recvfrom", "recvmsg", "accept", "accept4", "connect", "pread64", "write" -> {
                return unbounded(tid, name, state, call, call + " on a file or socket (waits for I/O; a socket "
                        + "timeout, if one is set, is not visible here)");
            }
            case "wait4", "waitid" -> {
                return unbounded(tid, name, state, call, "waiting for a child process");
            }
            case "pause", "rt_sigsuspend" -> {
                return unbounded(tid, name, state, call, "waiting for a signal");
            }
            case "flock", "fcntl" -> {
                return unbounded(tid, name, state, call, "waiting for a file lock");
            }
            default -> {
                return new KernelThread(tid, name, state, call, WaitKind.UNKNOWN, null, "in " + call);
            }
        }
    }

    /** Milliseconds since boot ({@code /proc/uptime}), or null when unreadable. */
    static Long uptimeMs() {
        try {
            String up = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime")).trim().split(" ")[0];
            return Math.round(Double.parseDouble(up) * 1000);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * How long ago the thread started, from its {@code starttime} (clock ticks since boot, at the
     * kernel's USER_HZ of 100) and the uptime read once for the whole census; null when unknown.
     */
    static Long ageMs(ProcStat st, Long uptimeMs) {
        return uptimeMs == null ? null : Math.max(0, uptimeMs - st.startTimeTicks() * 10);
    }

    private KernelThread msTimeout(long tid, String name, char state, String call, int timeoutMs) {
        return timeoutMs < 0 ? unbounded(tid, name, state, call, call + " without timeout")
                : bounded(tid, name, state, call, (long) timeoutMs, call);
    }

    private static KernelThread unbounded(long tid, String name, char state, String call, String detail) {
        return new KernelThread(tid, name, state, call, WaitKind.UNBOUNDED, null, detail);
    }

    private static KernelThread bounded(long tid, String name, char state, String call, Long ms, String what) {
        return bounded(tid, name, state, call, ms, what, false);
    }

    /** @param exact the bound is the time left to an absolute deadline, not the length the wait was given */
    private static KernelThread bounded(long tid, String name, char state, String call, Long ms, String what,
                                        boolean exact) {
        String detail = ms == null ? what + " with a timeout" : what + (exact ? " ending in " : " up to ") + ms + " ms";
        return new KernelThread(tid, name, state, call, WaitKind.BOUNDED, ms, detail, exact && ms != null);
    }

    /**
     * Milliseconds left of a {@code struct timespec} timeout: relative ones are an upper bound (the
     * wait started some time ago); absolute ones are compared with the clock now. Null when unreadable.
     */
    private Long timespecMs(long address, boolean absolute, boolean realtime) {
        long[] ts = readPair(address);
        if (ts == null) {
            return null;
        }
        long ns = ts[0] * 1_000_000_000L + ts[1];
        if (absolute) {
            // System.nanoTime is CLOCK_MONOTONIC on Linux: the same clock the target's deadline uses.
            long now = realtime ? System.currentTimeMillis() * 1_000_000L : System.nanoTime();
            ns -= now;
        }
        return Math.max(0, ns / 1_000_000L);
    }

    private Long timevalMs(long address) {
        long[] tv = readPair(address);
        return tv == null ? null : Math.max(0, tv[0] * 1000 + tv[1] / 1000);
    }

    private long[] readPair(long address) {
        if (mem == null || address == 0) {
            return null;
        }
        try {
            ByteBuffer b = mem.view(address, 16);
            long sec = b.getLong(0);
            long frac = b.getLong(8);
            if (sec < 0 || frac < 0 || frac >= 1_000_000_000L) {
                return null;
            }
            return new long[] {sec, frac};
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String syscallName(String line) {
        try {
            return SyscallNames.name(Integer.parseInt(line.split(" ")[0]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long parseHex(String s) {
        try {
            return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
