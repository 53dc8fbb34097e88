package dev.thaw.process;

import dev.thaw.Json;
import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.CgroupContainers;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * Names a container: Docker's record of it ({@code /var/lib/docker/containers/ID/config.v2.json}:
 * {@code Name}, and the {@code io.kubernetes.pod.*} labels a Kubernetes node on Docker sets), and for
 * Kubernetes the pod from the process's own environment ({@code HOSTNAME} is the pod's name when
 * {@code KUBERNETES_SERVICE_HOST} is set; {@code POD_NAMESPACE} when the pod exports it).
 *
 * <p>Docker's directory is root's and is read only when it is root-owned and not writable by others
 * (no-follow, a bounded read): a container's processes cannot plant anything there. The process's
 * environment comes from the kernel ({@code /proc/PID/environ}); thaw never reads files inside the
 * container's root for this, where a planted link could point anywhere on the host.
 */
public final class ContainerNames {

    static final Path DOCKER_CONTAINERS = Path.of("/var/lib/docker/containers");
    private static final int MAX_CONFIG = 4 << 20;

    private final Path dockerContainers;
    /** Configs by container id (empty: none readable): a container keeps its name for its life. */
    private final BoundedCache<String, Optional<JsonNode>> configs = new BoundedCache<>(1024);

    public ContainerNames() {
        this(DOCKER_CONTAINERS);
    }

    ContainerNames(Path dockerContainers) {
        this.dockerContainers = dockerContainers;
    }

    public ContainerRef name(CgroupContainers.Parsed parsed, List<String> environ) {
        ContainerRef ref = new ContainerRef(parsed.engine(), parsed.id(), null, null, null);
        Optional<JsonNode> config = configs.computeIfAbsent(parsed.id(), this::dockerConfig);
        if (config.isPresent()) {
            JsonNode c = config.get();
            String n = c.path("Name").asString("");
            if (n.startsWith("/")) {
                n = n.substring(1);
            }
            if (!n.isEmpty()) {
                ref = ref.withName(n);
            }
            JsonNode labels = c.path("Config").path("Labels");
            String pod = text(labels, "io.kubernetes.pod.name");
            if (pod != null) {
                ref = new ContainerRef("kubernetes", ref.id(), text(labels, "io.kubernetes.container.name") != null
                        ? text(labels, "io.kubernetes.container.name") : ref.name(), pod,
                        text(labels, "io.kubernetes.pod.namespace"));
            }
        }
        if (ref.pod() == null && "kubernetes".equals(ref.engine())) {
            String host = env(environ, "HOSTNAME");
            if (host != null && env(environ, "KUBERNETES_SERVICE_HOST") != null) {
                ref = ref.withPod(host, env(environ, "POD_NAMESPACE"));
            }
        }
        return ref;
    }

    private static String text(JsonNode labels, String key) {
        JsonNode v = labels.get(key);
        return v == null || !v.isString() || v.asString().isEmpty() ? null : v.asString();
    }

    private static String env(List<String> environ, String name) {
        String prefix = name + "=";
        for (String e : environ) {
            if (e.startsWith(prefix) && e.length() > prefix.length()) {
                return e.substring(prefix.length());
            }
        }
        return null;
    }

    private Optional<JsonNode> dockerConfig(String id) {
        Path dir = dockerContainers.resolve(id);
        Path file = dir.resolve("config.v2.json");
        try {
            if (!trusted(dockerContainers) || !trusted(dir)) {
                return Optional.empty();
            }
            try (SeekableByteChannel ch = Files.newByteChannel(file,
                    java.util.Set.<java.nio.file.OpenOption>of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                if (ch.size() > MAX_CONFIG) {
                    return Optional.empty();
                }
                ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // read it all
                }
                return Optional.of(Json.mapper().readTree(buf.array()));
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Root's, a real directory, writable by nobody else. */
    private static boolean trusted(Path dir) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.isDirectory() && a.owner().getName().equals("root")
                && !a.permissions().contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                && !a.permissions().contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
    }
}
