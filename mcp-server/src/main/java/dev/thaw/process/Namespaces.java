package dev.thaw.process;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStatus;

import java.util.Optional;

/** Compares a process's namespaces and root with ours, to tell when it runs in a container or chroot. */
public final class Namespaces {

    private final ProcFs proc;
    private final Optional<String> ourMountNs;
    private final Optional<String> ourRoot;

    public Namespaces(ProcFs proc) {
        this.proc = proc;
        int self = (int) ProcessHandle.current().pid();
        this.ourMountNs = proc.readLink(self, "ns/mnt");
        this.ourRoot = proc.readLink(self, "root");
    }

    /** Null when the process shares our PID namespace, mount namespace and root (or we cannot tell). */
    public ContainerHint hint(int pid, ProcStatus status) {
        Integer nsPid = status.inOtherPidNamespace() ? status.innermostPid() : null;
        Optional<String> root = proc.readLink(pid, "root");
        Optional<String> mnt = proc.readLink(pid, "ns/mnt");
        boolean otherRoot = root.isPresent() && ourRoot.isPresent() && !root.get().equals(ourRoot.get());
        boolean otherMnt = mnt.isPresent() && ourMountNs.isPresent() && !mnt.get().equals(ourMountNs.get());
        if (nsPid == null && !otherRoot && !otherMnt) {
            return null;
        }
        return new ContainerHint(nsPid, otherRoot, otherMnt);
    }
}
