package dev.thaw.proc;

/**
 * What the kernel says one thread is doing.
 *
 * @param tid         thread id (as we see it)
 * @param name        {@code comm}: the OS thread name (15 bytes at most)
 * @param state       the state letter of {@code stat}: R running, S sleeping, D uninterruptible
 *                    (usually disk), T stopped, t traced, Z zombie, I idle
 * @param syscall     the system call the thread is blocked in ({@code futex}, {@code epoll_wait},
 *                    ...), {@code running} when on a CPU, or null when it is in none or unknown
 * @param syscallArgs the first four syscall arguments in hex (for futex: the address waited on, the
 *                    operation, the value, the timeout pointer), or null
 * @param wchan       the kernel function it sleeps in, when the syscall alone does not say; or null
 */
public record TaskState(int tid, String name, char state, String syscall, String syscallArgs, String wchan) {

    public String stateName() {
        return stateName(state);
    }

    /** The kernel's one-letter task state ({@code /proc/.../stat} field 3) in words. */
    public static String stateName(char state) {
        return switch (state) {
            case 'R' -> "running";
            case 'S' -> "sleeping";
            case 'D' -> "disk sleep";
            case 'T' -> "stopped";
            case 't' -> "tracing stop";
            case 'Z' -> "zombie";
            case 'X' -> "dead";
            case 'I' -> "idle";
            default -> String.valueOf(state);
        };
    }
}
