package dev.thaw.process;

/**
 * Whether a process lives in another PID or mount namespace than thaw (a container, a chroot, a
 * Kubernetes sidecar). Paths handed to such a target must be valid inside its root; thaw reaches its
 * files through {@code /proc/PID/root}.
 *
 * @param nsPid       the pid as the process sees itself, when it is in another PID namespace, else null
 * @param otherRoot   its {@code /proc/PID/root} is not our root (chroot or another mount namespace)
 * @param otherMountNamespace its mount namespace differs from ours
 * @param container   the container it runs in (engine, id, name, Kubernetes pod), when its cgroup names one
 */
public record ContainerHint(Integer nsPid, boolean otherRoot, boolean otherMountNamespace, ContainerRef container) {

    public ContainerHint(Integer nsPid, boolean otherRoot, boolean otherMountNamespace) {
        this(nsPid, otherRoot, otherMountNamespace, null);
    }

    public String summary() {
        StringBuilder sb = new StringBuilder();
        if (container != null) {
            sb.append(container.summary());
        }
        if (nsPid != null) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append("pid ").append(nsPid).append(" in its own PID namespace");
        }
        if (otherMountNamespace || otherRoot) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(otherMountNamespace ? "own mount namespace" : "own root (chroot)");
        }
        return sb.toString();
    }
}
