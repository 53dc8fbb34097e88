package dev.thaw.proc;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the container a process belongs to from its {@code /proc/PID/cgroup} text. Every engine puts
 * the 64-hex-digit container id in the cgroup path; where and with which prefix tells the engine:
 * <ul>
 *   <li>Docker, cgroupfs driver: {@code /docker/ID}; systemd driver: {@code /system.slice/docker-ID.scope}</li>
 *   <li>Kubernetes: {@code /kubepods/.../podUID/ID}, {@code kubepods-...-podUID.slice/cri-containerd-ID.scope},
 *       {@code .../crio-ID.scope}, {@code .../docker-ID.scope}</li>
 *   <li>containerd without Kubernetes: {@code /<namespace>/ID}; Podman: {@code libpod-ID.scope}</li>
 * </ul>
 * The path is the kernel's, not the process's to choose (a process can move itself only to cgroups
 * it may write, which a container's processes may not), but nothing here is trusted beyond naming.
 */
public final class CgroupContainers {

    private static final Pattern ID = Pattern.compile("(?:^|[/-])([0-9a-f]{64})(?:\\.scope)?(?:/|$)");
    private static final Pattern POD_UID = Pattern.compile("pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})");

    private CgroupContainers() {
    }

    /** The container of the process whose cgroup file reads {@code cgroupText}; empty when none is named. */
    public static Optional<Parsed> parse(String cgroupText) {
        for (String line : cgroupText.split("\n")) {
            // hierarchy-id:controllers:path; cgroup v2 has the single line 0::path.
            int second = line.indexOf(':', line.indexOf(':') + 1);
            if (second < 0) {
                continue;
            }
            String path = line.substring(second + 1);
            Matcher m = ID.matcher(path);
            if (!m.find()) {
                continue;
            }
            String id = m.group(1);
            String before = path.substring(0, m.start(1));
            Matcher pod = POD_UID.matcher(path);
            String podUid = pod.find() ? pod.group(1).replace('_', '-') : null;
            return Optional.of(new Parsed(engine(before, podUid != null || path.contains("kubepods")), id, podUid));
        }
        return Optional.empty();
    }

    private static String engine(String pathBeforeId, boolean kubernetes) {
        if (kubernetes) {
            return "kubernetes";
        }
        if (pathBeforeId.endsWith("docker/") || pathBeforeId.endsWith("docker-")) {
            return "docker";
        }
        if (pathBeforeId.endsWith("libpod-")) {
            return "podman";
        }
        if (pathBeforeId.endsWith("crio-")) {
            return "cri-o";
        }
        return "containerd";
    }

    /**
     * @param engine the engine the path names
     * @param id     the container id
     * @param podUid the Kubernetes pod's uid, when the path names one
     */
    public record Parsed(String engine, String id, String podUid) {
    }
}
