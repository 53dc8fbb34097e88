package dev.thaw.proc;

import java.util.HashMap;
import java.util.Map;

/**
 * Names of the system calls a stuck thread typically sits in, by number, for the architecture
 * thaw runs on (x86-64 or aarch64; the target is on the same machine). Numbers not listed are
 * reported as {@code syscall_N}.
 */
public final class SyscallNames {

    private static final Map<Integer, String> X86_64 = new HashMap<>();
    private static final Map<Integer, String> AARCH64 = new HashMap<>();

    static {
        put(X86_64, 0, "read", 1, "write", 7, "poll", 17, "pread64", 19, "readv", 23, "select", 34, "pause",
                35, "nanosleep", 42, "connect", 43, "accept", 44, "sendto", 45, "recvfrom", 46, "sendmsg",
                47, "recvmsg", 61, "wait4", 72, "fcntl", 73, "flock", 128, "rt_sigtimedwait", 130, "rt_sigsuspend",
                202, "futex", 230, "clock_nanosleep", 232, "epoll_wait", 247, "waitid", 270, "pselect6",
                271, "ppoll", 281, "epoll_pwait", 288, "accept4", 299, "recvmmsg", 441, "epoll_pwait2",
                449, "futex_waitv", 426, "io_uring_enter", 74, "fsync", 75, "fdatasync", 18, "pwrite64",
                20, "writev", 56, "clone", 59, "execve", 231, "exit_group", 60, "exit", 24, "sched_yield",
                257, "openat", 2, "open", 3, "close", 9, "mmap", 11, "munmap", 16, "ioctl", 41, "socket",
                49, "bind", 50, "listen", 101, "ptrace", 62, "kill", 200, "tkill", 234, "tgkill", 13, "rt_sigaction",
                14, "rt_sigprocmask", 435, "clone3", 40, "sendfile", 293, "pipe2", 22, "pipe", 284, "eventfd",
                290, "eventfd2", 253, "inotify_add_watch", 254, "inotify_rm_watch", 326, "copy_file_range");
        put(AARCH64, 63, "read", 64, "write", 73, "ppoll", 72, "pselect6", 67, "pread64", 65, "readv",
                101, "nanosleep", 115, "clock_nanosleep", 203, "connect", 202, "accept", 242, "accept4",
                206, "sendto", 207, "recvfrom", 211, "sendmsg", 212, "recvmsg", 260, "wait4", 95, "waitid",
                98, "futex", 22, "epoll_pwait", 441, "epoll_pwait2", 449, "futex_waitv", 426, "io_uring_enter",
                25, "fcntl", 32, "flock", 137, "rt_sigtimedwait", 133, "rt_sigsuspend", 82, "fsync",
                83, "fdatasync", 68, "pwrite64", 66, "writev", 220, "clone", 221, "execve", 94, "exit_group",
                93, "exit", 124, "sched_yield", 56, "openat", 57, "close", 222, "mmap", 215, "munmap",
                29, "ioctl", 198, "socket", 200, "bind", 201, "listen", 117, "ptrace", 129, "kill",
                130, "tkill", 131, "tgkill", 243, "recvmmsg", 435, "clone3");
    }

    private SyscallNames() {
    }

    private static void put(Map<Integer, String> m, Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((Integer) pairs[i], (String) pairs[i + 1]);
        }
    }

    /** The name of syscall {@code nr} on this machine's architecture. */
    public static String name(int nr) {
        return name(System.getProperty("os.arch"), nr);
    }

    public static String name(String arch, int nr) {
        Map<Integer, String> table = "aarch64".equals(arch) ? AARCH64 : X86_64;
        String n = table.get(nr);
        return n != null ? n : "syscall_" + nr;
    }
}
