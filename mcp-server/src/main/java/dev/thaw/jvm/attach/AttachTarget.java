package dev.thaw.jvm.attach;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStatus;
import dev.thaw.proc.ProcessKey;

import java.nio.file.Path;

/**
 * Where one JVM's attach files are, seen from here. HotSpot names them after the pid the JVM
 * sees itself as (the last NSpid entry) and puts them in its own {@code /tmp}, so for a JVM in
 * another PID or mount namespace both the name and the directory differ from the naive
 * {@code /tmp/.java_pid<pid>}; {@code /proc/PID/root} and {@code /proc/PID/cwd} reach them
 * whatever the namespaces (jcmd reaches them the same way).
 *
 * @param pid         the pid in our namespace (the one to signal)
 * @param nsPid       the pid as the JVM sees itself
 * @param startTicks  the process start time, which with the pid identifies this process
 * @param socket      {@code /proc/PID/root/tmp/.java_pid<nspid>}
 * @param cwdTrigger  {@code /proc/PID/cwd/.attach_pid<nspid>}: where the JVM looks first
 * @param tmpTrigger  {@code /proc/PID/root/tmp/.attach_pid<nspid>}: where it looks next
 */
record AttachTarget(int pid, int nsPid, long startTicks, Path socket, Path cwdTrigger, Path tmpTrigger) {

    static AttachTarget of(ProcFs proc, ProcStatus status, long startTicks) {
        int pid = status.pid();
        int ns = status.innermostPid();
        refuseLinkedTmp(proc, pid);
        // Not canonicalised on purpose: resolving /proc/PID/cwd would leave the target's mount namespace.
        return new AttachTarget(pid, ns, startTicks,
                proc.inTargetRoot(pid, "/tmp/.java_pid" + ns),
                proc.pidDir(pid).resolve("cwd").resolve(".attach_pid" + ns),
                proc.inTargetRoot(pid, "/tmp/.attach_pid" + ns));
    }

    /**
     * The JVM's /tmp must be a real directory: reached through {@code /proc/PID/root}, a symbolic link
     * there resolves against thaw's root, the host's, so a container could point thaw's trigger file,
     * its removal and its socket connection at any host directory. (A swap after this look remains a
     * narrow window for root inside the container; docs/security.md says so.)
     */
    static void refuseLinkedTmp(ProcFs proc, int pid) {
        Path tmp = proc.inTargetRoot(pid, "/tmp");
        try {
            java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(tmp,
                    java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (!a.isDirectory()) {
                throw new dev.thaw.ThawException(dev.thaw.ErrorCode.TAMPERED, "JVM " + pid + "'s /tmp is " + (a.isSymbolicLink()
                        ? "a symbolic link" : "not a directory") + ": thaw does not follow links inside a target's root "
                        + "(they resolve against the host's), and the attach socket lives there.",
                        "Give the JVM a real /tmp directory (HotSpot's attach files live in /tmp whatever java.io.tmpdir"
                                + " says); until then jvm_diagnostic, snapshot and probes cannot attach to it.");
            }
        } catch (java.io.IOException e) {
            // No /tmp (or a root gone with its process): the attach steps explain what fails.
        }
    }

    /** Identifies this process across pid reuse (for per-target caches). */
    ProcessKey key() {
        return new ProcessKey(pid, startTicks);
    }
}
