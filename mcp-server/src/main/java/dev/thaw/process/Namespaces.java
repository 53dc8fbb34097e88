package dev.thaw.process;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStatus;

import dev.thaw.proc.CgroupContainers;

import java.util.List;
import java.util.Optional;

/**
 * Compares a process's namespaces and root with ours, to tell when it runs in a container or chroot,
 * and names the container from its cgroup (see {@link CgroupContainers}, {@link ContainerNames}).
 */
public final class Namespaces {

    private final ProcFs proc;
    private final Optional<String> ourMountNs;
    private final Optional<String> ourRoot;
    /** Our own container, if thaw runs in one: a process in the same one is not "in a container" to us. */
    private final Optional<CgroupContainers.Parsed> ourContainer;
    private final ContainerNames names = new ContainerNames();

    public Namespaces(ProcFs proc) {
        this.proc = proc;
        int self = (int) ProcessHandle.current().pid();
        this.ourMountNs = proc.readLink(self, "ns/mnt");
        this.ourRoot = proc.readLink(self, "root");
        this.ourContainer = cgroupContainer(self);
    }

    /** Null when the process shares our PID namespace, mount namespace and root (or we cannot tell). */
    public ContainerHint hint(int pid, ProcStatus status) {
        Integer nsPid = status.inOtherPidNamespace() ? status.innermostPid() : null;
        Optional<String> root = proc.readLink(pid, "root");
        Optional<String> mnt = proc.readLink(pid, "ns/mnt");
        boolean otherRoot = root.isPresent() && ourRoot.isPresent() && !root.get().equals(ourRoot.get());
        boolean otherMnt = mnt.isPresent() && ourMountNs.isPresent() && !mnt.get().equals(ourMountNs.get());
        ContainerRef container = cgroupContainer(pid)
                .filter(c -> ourContainer.isEmpty() || !ourContainer.get().id().equals(c.id()))
                .map(c -> names.name(c, environ(pid)))
                .orElse(null);
        if (nsPid == null && !otherRoot && !otherMnt && container == null) {
            return null;
        }
        return new ContainerHint(nsPid, otherRoot, otherMnt, container);
    }

    private Optional<CgroupContainers.Parsed> cgroupContainer(int pid) {
        try {
            return CgroupContainers.parse(proc.readString(pid, "cgroup"));
        } catch (RuntimeException e) {
            return Optional.empty(); // gone or unreadable: no container named
        }
    }

    private List<String> environ(int pid) {
        try {
            return proc.environ(pid);
        } catch (RuntimeException e) {
            return List.of(); // another user's process without CAP_SYS_PTRACE: no pod from the environment
        }
    }
}
