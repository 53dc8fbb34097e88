package dev.thaw.proc;

/**
 * Whether we may read (ptrace-attach-mode access) a process, and if not, why and what would fix it.
 *
 * @param allowed true when {@code /proc/PID/mem} can be opened
 * @param cause   a stable identifier: {@code ok}, {@code yama_scope_3}, {@code yama_scope_2},
 *                {@code yama_not_ancestor}, {@code other_user}, {@code non_dumpable},
 *                {@code unknown}
 * @param reason  one sentence a person or a model can act on, naming the cause
 * @param fix     what would make it work, or null when allowed (or nothing short of a reboot would)
 */
public record PtraceVerdict(boolean allowed, String cause, String reason, String fix) {

    public static PtraceVerdict ok(int pid) {
        return new PtraceVerdict(true, "ok", "thaw may read the memory of process " + pid + ".", null);
    }
}
