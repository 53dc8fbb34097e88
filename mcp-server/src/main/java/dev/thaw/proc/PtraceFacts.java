package dev.thaw.proc;

import java.util.List;

/**
 * The facts the kernel's ptrace access check ({@code __ptrace_may_access} plus Yama) decides with,
 * as far as they are visible from user space. Collected by {@link PtraceAccess#facts}; kept as a
 * record so the decision can be unit-tested on any combination.
 *
 * @param yamaScope       {@code /proc/sys/kernel/yama/ptrace_scope}, or null when Yama is absent
 * @param capSysPtrace    our effective capabilities include CAP_SYS_PTRACE (bit 19)
 * @param ourUids         our real, effective, saved and filesystem uid
 * @param ourGids         our real, effective, saved and filesystem gid
 * @param targetUids      the target's four uids, or null when its status was unreadable
 * @param targetGids      the target's four gids, or null when its status was unreadable
 * @param procDirOwner    owner uid of {@code /proc/PID}; the kernel makes it root when the target
 *                        is not dumpable, so root ownership of a non-root process reveals it
 * @param weAreAncestor   our process is an ancestor of the target (what Yama scope 1 requires)
 * @param openError       the error from opening {@code /proc/PID/mem}, or null if it opened
 */
public record PtraceFacts(Integer yamaScope, boolean capSysPtrace, List<Integer> ourUids, List<Integer> ourGids,
                          List<Integer> targetUids, List<Integer> targetGids, Integer procDirOwner,
                          boolean weAreAncestor, String openError) {

    /** The kernel compares our filesystem uid (FSCREDS mode) with the target's real, effective and saved uid. */
    boolean sameUser() {
        if (targetUids == null || targetGids == null) {
            return false;
        }
        int ourFsUid = ourUids.get(3);
        int ourFsGid = ourGids.get(3);
        for (int i = 0; i < 3; i++) {
            if (targetUids.get(i) != ourFsUid || targetGids.get(i) != ourFsGid) {
                return false;
            }
        }
        return true;
    }

    /** Non-dumpable shows as /proc/PID owned by root although the target's effective uid is not root. */
    boolean visiblyNonDumpable() {
        return procDirOwner != null && targetUids != null && procDirOwner == 0 && targetUids.get(1) != 0;
    }
}
