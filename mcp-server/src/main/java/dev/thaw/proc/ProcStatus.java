package dev.thaw.proc;

import java.util.List;

/**
 * The fields of {@code /proc/PID/status} that thaw decides things with.
 *
 * @param nsPids the {@code NSpid} line: our view first, the innermost namespace's view last
 *               (a process in its own PID namespace has two or more entries)
 * @param uid    real, effective, saved and filesystem uid, in that order
 * @param gid    real, effective, saved and filesystem gid, in that order
 * @param sigCgt the mask of signals the process catches (bit n-1 for signal n)
 * @param sigIgn the mask of signals the process ignores
 */
public record ProcStatus(
        int pid,
        String name,
        char state,
        int ppid,
        List<Integer> uid,
        List<Integer> gid,
        List<Integer> nsPids,
        long sigCgt,
        long sigIgn,
        long capEff,
        int threads) {

    /** SIGQUIT is signal 3. */
    public static final int SIGQUIT = 3;

    public int realUid() {
        return uid.get(0);
    }

    public int effectiveUid() {
        return uid.get(1);
    }

    public int effectiveGid() {
        return gid.get(1);
    }

    /** The pid as the target sees itself (the last NSpid entry), or our pid on kernels without NSpid. */
    public int innermostPid() {
        return nsPids.isEmpty() ? pid : nsPids.get(nsPids.size() - 1);
    }

    public boolean inOtherPidNamespace() {
        return nsPids.size() > 1;
    }

    public boolean catches(int signal) {
        long bit = 1L << (signal - 1);
        return (sigCgt & bit) != 0 && (sigIgn & bit) == 0;
    }

    public boolean isZombie() {
        return state == 'Z' || state == 'X';
    }
}
