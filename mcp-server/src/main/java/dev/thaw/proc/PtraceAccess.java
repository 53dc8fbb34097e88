package dev.thaw.proc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Decides whether thaw may read a process's memory and, when it may not, says which of the kernel's
 * reasons applies: Yama's {@code ptrace_scope}, a missing CAP_SYS_PTRACE for another user's process,
 * or a non-dumpable target. Used by {@link ProcessMemory} for its error message and by
 * {@code thaw doctor}.
 *
 * <p>The order of the checks follows the kernel's {@code __ptrace_may_access}: credentials, then
 * dumpability, then the LSM (Yama). Opening {@code /proc/PID/mem} read-only and closing it at once
 * is harmless to the target, so {@link #check} simply tries.
 */
public final class PtraceAccess {

    static final int CAP_SYS_PTRACE = 19;
    private static final Path YAMA = Path.of("/proc/sys/kernel/yama/ptrace_scope");

    private PtraceAccess() {
    }

    /** Tries to open the target's memory and explains a refusal. */
    public static PtraceVerdict check(int pid) {
        return check(ProcFs.system(), pid);
    }

    public static PtraceVerdict check(ProcFs procFs, int pid) {
        if (!procFs.exists(pid)) {
            throw new ProcessGoneException(pid);
        }
        String openError = null;
        try (FileChannel ignored = FileChannel.open(procFs.pidDir(pid).resolve("mem"), StandardOpenOption.READ)) {
            // opened: allowed
        } catch (IOException e) {
            if (!procFs.exists(pid)) {
                throw new ProcessGoneException(pid);
            }
            openError = describe(e);
        }
        if (openError == null) {
            return PtraceVerdict.ok(pid);
        }
        return decideFor(procFs, pid, openError);
    }

    /** Explains an open failure that already happened, without trying again. */
    static PtraceVerdict explain(ProcFs procFs, int pid, IOException openError) {
        return decideFor(procFs, pid, describe(openError));
    }

    /**
     * A kernel thread has no user memory to open (the kernel answers ESRCH although the process
     * exists): that is what it is, not a permission problem to blame on an LSM.
     */
    private static PtraceVerdict decideFor(ProcFs procFs, int pid, String openError) {
        try {
            ProcStat stat = procFs.stat(pid);
            if (stat.isKernelThread()) {
                return new PtraceVerdict(false, "kernel_thread", "Process " + pid + " (" + stat.comm() + ") is a"
                        + " kernel thread, not a Python/JVM process: it has no user-space memory to read.",
                        "Pick a Python or JVM process from list_processes (CLI: thaw ps).");
            }
        } catch (ProcessGoneException e) {
            throw e;
        } catch (RuntimeException e) {
            // stat unreadable: decide from the other facts
        }
        return decide(pid, facts(procFs, pid, openError));
    }

    public static PtraceFacts facts(ProcFs procFs, int pid, String openError) {
        ProcStatus self = ProcFs.system().status((int) ProcessHandle.current().pid());
        List<Integer> targetUids = null;
        List<Integer> targetGids = null;
        try {
            ProcStatus target = procFs.status(pid);
            targetUids = target.uid();
            targetGids = target.gid();
        } catch (ProcessGoneException e) {
            throw e;
        } catch (RuntimeException e) {
            // status unreadable: leave null, the decision copes
        }
        Integer owner = null;
        try {
            owner = (Integer) Files.getAttribute(procFs.pidDir(pid), "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            // no unix attribute view or gone: unknown
        }
        return new PtraceFacts(yamaScope(), (self.capEff() & (1L << CAP_SYS_PTRACE)) != 0, self.uid(), self.gid(),
                targetUids, targetGids, owner, isAncestor(procFs, pid), openError);
    }

    /** The decision itself: pure, so every combination can be unit-tested. */
    public static PtraceVerdict decide(int pid, PtraceFacts f) {
        if (f.yamaScope() != null && f.yamaScope() >= 3) {
            return new PtraceVerdict(false, "yama_scope_3",
                    "Yama ptrace_scope is 3 on this machine: the kernel forbids reading any process's memory, "
                            + "even for root.",
                    "Nothing short of a reboot with kernel.yama.ptrace_scope set to 0, 1 or 2 changes this.");
        }
        String capFix = "run thaw as root with CAP_SYS_PTRACE (sudo; in a container add --cap-add=SYS_PTRACE)";
        if (!f.sameUser() && !f.capSysPtrace()) {
            String who = f.targetUids() == null ? "another user"
                    : "uid " + f.targetUids().get(1) + (f.targetUids().get(0).equals(f.targetUids().get(2))
                    && f.targetUids().get(0).equals(f.targetUids().get(1)) ? "" : " (real/effective/saved "
                    + f.targetUids().get(0) + "/" + f.targetUids().get(1) + "/" + f.targetUids().get(2) + ")");
            return new PtraceVerdict(false, "other_user",
                    "Process " + pid + " runs as " + who + " and thaw runs as uid " + f.ourUids().get(1)
                            + " without CAP_SYS_PTRACE: the kernel lets only the same user (or a holder of "
                            + "CAP_SYS_PTRACE) read another process's memory.",
                    "Run thaw as the target's user, or " + capFix + ".");
        }
        if (f.visiblyNonDumpable() && !f.capSysPtrace()) {
            return nonDumpable(pid, capFix, "");
        }
        if (f.yamaScope() != null && f.yamaScope() == 2 && !f.capSysPtrace()) {
            return new PtraceVerdict(false, "yama_scope_2",
                    "Yama ptrace_scope is 2 (admin-only): reading another process's memory needs CAP_SYS_PTRACE, "
                            + "which thaw does not have.",
                    "Run thaw as root with CAP_SYS_PTRACE, or set `sysctl kernel.yama.ptrace_scope=1` (or 0).");
        }
        if (f.yamaScope() != null && f.yamaScope() == 1 && !f.capSysPtrace() && !f.weAreAncestor()) {
            return new PtraceVerdict(false, "yama_not_ancestor",
                    "Yama ptrace_scope is 1 (restricted): only an ancestor of process " + pid
                            + " may read its memory, and thaw is not one (the target did not allow thaw with "
                            + "prctl(PR_SET_PTRACER) either).",
                    "Run `sudo sysctl kernel.yama.ptrace_scope=0`, or " + capFix
                            + ", or start the target from thaw's shell as a child.");
        }
        if (f.openError() == null) {
            return PtraceVerdict.ok(pid);
        }
        if (f.sameUser() && !f.capSysPtrace()) {
            // Same user, Yama satisfied, still refused: the kernel's remaining check is dumpability,
            // which is invisible from outside when the target runs as root.
            return nonDumpable(pid, capFix, " (most likely: uid and Yama allow access, so dumpability is "
                    + "the remaining kernel check)");
        }
        return new PtraceVerdict(false, "unknown",
                "The kernel refused access to process " + pid + "'s memory (" + f.openError()
                        + ") although user, dumpability and Yama allow it: an LSM (AppArmor, SELinux) or a "
                        + "seccomp policy probably forbids ptrace.",
                "Check the audit log (journalctl -k, dmesg) for an AppArmor/SELinux denial of ptrace.");
    }

    private static PtraceVerdict nonDumpable(int pid, String capFix, String hedge) {
        return new PtraceVerdict(false, "non_dumpable",
                "Process " + pid + " is not dumpable" + hedge + ": it called prctl(PR_SET_DUMPABLE, 0), is a "
                        + "setuid/setgid program, or changed its credentials, and then only CAP_SYS_PTRACE may "
                        + "read its memory.",
                capFix.substring(0, 1).toUpperCase() + capFix.substring(1) + ".");
    }

    /** Whether a process (typically thaw itself) holds CAP_SYS_PTRACE in its effective set. */
    public static boolean hasCapSysPtrace(ProcStatus status) {
        return (status.capEff() & (1L << CAP_SYS_PTRACE)) != 0;
    }

    /** {@code kernel.yama.ptrace_scope}, or null when the Yama LSM is absent. */
    public static Integer yamaScope() {
        try {
            return Integer.parseInt(Files.readString(YAMA).trim());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static boolean isAncestor(ProcFs procFs, int pid) {
        long self = ProcessHandle.current().pid();
        int cur = pid;
        for (int depth = 0; depth < 256 && cur > 1; depth++) {
            try {
                cur = procFs.stat(cur).ppid();
            } catch (RuntimeException e) {
                return false;
            }
            if (cur == self) {
                return true;
            }
        }
        return false;
    }

    private static String describe(IOException e) {
        String name = e.getClass().getSimpleName();
        String msg = e.getMessage();
        if (msg != null && msg.contains(": ")) {
            // FileSystemException messages are "path: reason"; keep the reason
            msg = msg.substring(msg.lastIndexOf(": ") + 2);
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return msg == null ? name : msg;
    }
}
