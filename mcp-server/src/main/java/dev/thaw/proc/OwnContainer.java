package dev.thaw.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Whether thaw itself runs in a container, where it sees only the processes of its own PID namespace
 * (a sidecar started without {@code --pid=container:TARGET}, a debug container without
 * {@code --target}). Read once: the markers Docker and Podman leave at the root, a container id in
 * our own cgroup, Kubernetes' service variables, or thaw being pid 1.
 */
public final class OwnContainer {

    private static final boolean IN_CONTAINER = detect();

    private OwnContainer() {
    }

    public static boolean inContainer() {
        return IN_CONTAINER;
    }

    /** What to do when a target is not among the processes thaw can see; empty outside containers. */
    public static String sharingHint() {
        if (!IN_CONTAINER) {
            return "";
        }
        return " thaw runs in a container and sees only the processes of its own PID namespace: to look at another "
                + "container's, share its PID namespace (docker run -i --pid=container:TARGET --cap-add SYS_PTRACE ...; "
                + "Kubernetes: kubectl debug -it POD --target=CONTAINER --profile=general ...; see docs/containers.md).";
    }

    private static boolean detect() {
        if (ProcessHandle.current().pid() == 1
                || Files.exists(Path.of("/.dockerenv"), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(Path.of("/run/.containerenv"), LinkOption.NOFOLLOW_LINKS)
                || System.getenv("KUBERNETES_SERVICE_HOST") != null) {
            return true;
        }
        try {
            return CgroupContainers.parse(Files.readString(Path.of("/proc/self/cgroup"))).isPresent();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
