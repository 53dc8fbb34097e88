package dev.thaw.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real container targets through Testcontainers, from the local image scripts/build-test-images.sh
 * makes of the sid root ({@code THAW_TEST_IMAGE}, default {@code thaw-test-sid:latest}). No registry
 * is reachable here, so nothing is ever pulled, Ryuk is off (see the failsafe configuration) and each
 * container is removed by {@link Target#close()}; containers carry the label {@code dev.thaw.test} so
 * a crashed run's leftovers are removed by the next one.
 *
 * <p>A missing Docker engine or image skips the test, except under {@code CI=true} where it fails.
 */
public final class TestContainers {

    public static final String LABEL = "dev.thaw.test";
    private static volatile boolean swept;

    private TestContainers() {
    }

    public static String image() {
        String env = System.getenv("THAW_TEST_IMAGE");
        String image = env == null || env.isBlank() ? "thaw-test-sid:latest" : env;
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            missing("no Docker engine answers. Install docker.io and start dockerd (.ci/run does both)");
        }
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(image).exec();
        } catch (RuntimeException e) {
            missing("the test image " + image + " is not built. Run `sudo scripts/build-test-images.sh`");
        }
        sweep(docker);
        return image;
    }

    /** Removes containers a crashed earlier run left behind. */
    private static synchronized void sweep(DockerClient docker) {
        if (swept) {
            return;
        }
        swept = true;
        docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, "true")).exec()
                .forEach(c -> {
                    try {
                        docker.removeContainerCmd(c.getId()).withForce(true).exec();
                    } catch (RuntimeException ignored) {
                        // gone meanwhile
                    }
                });
    }

    static void missing(String what) {
        String msg = what + ".";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(msg);
        }
        Assumptions.abort(msg);
    }

    /** How a target container is confined; {@link #hardened()} is the strictest shape the tests use. */
    public static final class Shape {
        String user;
        boolean readOnly;
        Map<String, String> tmpfs = Map.of();
        Long shmBytes;
        Long memoryBytes;
        boolean dropAll;
        final List<String> binds = new ArrayList<>();
        Consumer<HostConfig> extra = h -> { };

        public static Shape plain() {
            return new Shape();
        }

        /** A non-root user, a read-only root with a tmpfs /tmp, a 1 MiB /dev/shm, 512 MiB, no capabilities. */
        public static Shape hardened() {
            Shape s = new Shape();
            s.user = "1000:1000";
            s.readOnly = true;
            s.tmpfs = Map.of("/tmp", "rw,size=64m,mode=1777");
            s.shmBytes = 1L << 20;
            s.memoryBytes = 512L << 20;
            s.dropAll = true;
            return s;
        }

        public Shape tmpfs(Map<String, String> mounts) {
            this.tmpfs = mounts;
            return this;
        }

        public Shape shm(long bytes) {
            this.shmBytes = bytes;
            return this;
        }

        /** A host directory, read-only at the same path inside. */
        public Shape bindReadOnly(String hostPath, String containerPath) {
            binds.add(hostPath + ":" + containerPath + ":ro");
            return this;
        }

        public Shape host(Consumer<HostConfig> more) {
            this.extra = more;
            return this;
        }
    }

    /**
     * A directory under /var/tmp (readable by a container's non-root user through a bind mount) with a
     * compiled {@code Hang}: a JVM main thread that prints "ready" and waits on a monitor for good.
     * The caller removes it with {@link #removeClasses}.
     */
    public static java.nio.file.Path hangClasses() throws java.io.IOException, InterruptedException {
        java.nio.file.Path classes = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("/var/tmp"), "thaw-ct-classes");
        java.nio.file.Files.writeString(classes.resolve("Hang.java"),
                "public class Hang { public static void main(String[] a) throws Exception { Object gate = new Object();"
                        + " synchronized (gate) { System.out.println(\"ready\"); gate.wait(); } } }\n");
        Process javac = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--release", "8", "-nowarn", "-d", classes.toString(), classes.resolve("Hang.java").toString())
                .redirectErrorStream(true).start();
        String out = new String(javac.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (javac.waitFor() != 0) {
            throw new IllegalStateException("javac failed: " + out);
        }
        java.nio.file.Files.setPosixFilePermissions(classes, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return classes;
    }

    public static void removeClasses(java.nio.file.Path classes) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(classes)) {
            files.forEach(f -> f.toFile().delete());
        }
        java.nio.file.Files.deleteIfExists(classes);
    }

    /** Starts {@code command} in a container of the given shape and waits for its "ready" line. */
    public static Target start(Shape shape, String... command) {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image()))
                .withCommand(command)
                .withLabel(LABEL, "true")
                .withStartupTimeout(Duration.ofSeconds(90))
                .waitingFor(Wait.forLogMessage(".*ready.*\\n", 1).withStartupTimeout(Duration.ofSeconds(90)))
                .withCreateContainerCmdModifier(cmd -> {
                    if (shape.user != null) {
                        cmd.withUser(shape.user);
                    }
                    HostConfig h = cmd.getHostConfig() == null ? new HostConfig() : cmd.getHostConfig();
                    h.withReadonlyRootfs(shape.readOnly);
                    if (!shape.tmpfs.isEmpty()) {
                        h.withTmpFs(shape.tmpfs);
                    }
                    if (shape.shmBytes != null) {
                        h.withShmSize(shape.shmBytes);
                    }
                    if (shape.memoryBytes != null) {
                        h.withMemory(shape.memoryBytes);
                    }
                    if (shape.dropAll) {
                        h.withCapDrop(Capability.ALL);
                    }
                    if (!shape.binds.isEmpty()) {
                        h.withBinds(shape.binds.stream().map(com.github.dockerjava.api.model.Bind::parse).toList());
                    }
                    shape.extra.accept(h);
                    cmd.withHostConfig(h);
                });
        c.start();
        return new Target(c);
    }

    /** A running container target; {@link #close()} stops and removes it. */
    public static final class Target implements AutoCloseable {
        private final GenericContainer<?> container;

        Target(GenericContainer<?> container) {
            this.container = container;
        }

        /** The target's pid as the host sees it. */
        public int hostPid() {
            return container.getCurrentContainerInfo().getState().getPidLong().intValue();
        }

        public String id() {
            return container.getContainerId();
        }

        /** The container's name without Docker's leading slash. */
        public String name() {
            return container.getContainerName().replaceFirst("^/", "");
        }

        public String logs() {
            return container.getLogs();
        }

        public GenericContainer<?> container() {
            return container;
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
