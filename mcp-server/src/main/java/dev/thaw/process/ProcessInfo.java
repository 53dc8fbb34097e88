package dev.thaw.process;

/**
 * One process as {@code list_processes} and {@code thaw ps} show it.
 *
 * @param startTime  ISO-8601 instant; with the pid it names the process even after pid reuse
 * @param command    the command line, bounded (see {@link #MAX_COMMAND})
 * @param container  null when the process shares our namespaces and root
 * @param attachable whether thaw can look inside it (snapshot); when false, {@code reason} says why
 */
public record ProcessInfo(
        int pid,
        int ppid,
        String user,
        int uid,
        String startTime,
        String command,
        RuntimeInfo runtime,
        ContainerHint container,
        boolean attachable,
        String reason) {

    public static final int MAX_COMMAND = 240;
}
