package dev.thaw.process;

import dev.thaw.proc.CgroupContainers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Container names from Docker's records (a config.v2.json as Docker 20.10 writes it, cut to the fields
 * read) and Kubernetes pods from the environment; a record in a directory others may write is not read.
 */
class ContainerNamesTest {

    private static final String ID = "80563e3c0334d468e3e39b2ccb1dd6ae242615fd81487c7f27c1e823feae257b";
    private Path docker;

    @BeforeEach
    void records() throws IOException {
        docker = Files.createTempDirectory("thaw-docker-records",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x---")));
    }

    @AfterEach
    void remove() throws IOException {
        try (Stream<Path> walk = Files.walk(docker)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void record(String json, String mode) throws IOException {
        Path dir = Files.createDirectory(docker.resolve(ID), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        Files.writeString(dir.resolve("config.v2.json"), json);
    }

    @Test
    void aDockerContainerIsNamedFromItsRecord() throws IOException {
        record("{\"ID\":\"" + ID + "\",\"Name\":\"/billing-worker\",\"Config\":{\"Labels\":{}}}", "rwx------");
        ContainerRef ref = new ContainerNames(docker).name(new CgroupContainers.Parsed("docker", ID, null), List.of());
        assertThat(ref.summary()).isEqualTo("docker container billing-worker (80563e3c0334)");
    }

    @Test
    void aKubeletOnDockerGivesThePod() throws IOException {
        record("{\"Name\":\"/k8s_app_web-7d9f_shop_1c0e_0\",\"Config\":{\"Labels\":{\"io.kubernetes.pod.name\":\"web-7d9f\","
                + "\"io.kubernetes.pod.namespace\":\"shop\",\"io.kubernetes.container.name\":\"app\"}}}", "rwx------");
        ContainerRef ref = new ContainerNames(docker).name(new CgroupContainers.Parsed("docker", ID, null), List.of());
        assertThat(ref).isEqualTo(new ContainerRef("kubernetes", ID, "app", "web-7d9f", "shop"));
    }

    @Test
    void otherwiseThePodComesFromTheEnvironment() {
        ContainerRef ref = new ContainerNames(docker).name(new CgroupContainers.Parsed("kubernetes", ID, "1c0ed6a2-5c1f-4e8b-9f4e-0d0b7c1f1a2b"),
                List.of("PATH=/bin", "HOSTNAME=web-7d9f", "KUBERNETES_SERVICE_HOST=10.0.0.1", "POD_NAMESPACE=shop"));
        assertThat(ref.summary()).isEqualTo("kubernetes container 80563e3c0334, pod shop/web-7d9f");
        // HOSTNAME alone is no pod: outside Kubernetes it is just the container's host name.
        ContainerRef docker2 = new ContainerNames(docker).name(new CgroupContainers.Parsed("docker", ID, null), List.of("HOSTNAME=x"));
        assertThat(docker2.pod()).isNull();
    }

    @Test
    void aRecordOthersCouldWriteIsNotRead() throws IOException {
        record("{\"Name\":\"/planted\"}", "rwxrwxrwx");
        Files.setPosixFilePermissions(docker.resolve(ID), PosixFilePermissions.fromString("rwxrwxrwx"));
        ContainerRef ref = new ContainerNames(docker).name(new CgroupContainers.Parsed("docker", ID, null), List.of());
        assertThat(ref.name()).isNull();
    }
}
