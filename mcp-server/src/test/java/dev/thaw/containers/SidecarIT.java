package dev.thaw.containers;

import dev.thaw.testing.TestContainers;
import dev.thaw.testing.TestContainers.Shape;
import dev.thaw.testing.ThawServerProcess;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.thaw.testing.ToolResults.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * thaw as a sidecar: the image `./thaw image` builds (made here from this build's jar, under a tag of
 * the test's own), run as {@code docker run -i --rm --pid=container:TARGET --cap-add SYS_PTRACE IMAGE
 * serve} and driven by the SDK's MCP client over that command's stdio — the model `kubectl debug
 * --target` uses in Kubernetes. The target is pid 1 of the shared namespace; its files (and a JVM's
 * attach socket in its /tmp) are reached through /proc/1/root.
 */
class SidecarIT {

    private static String image;

    @BeforeAll
    static void buildImage() throws Exception {
        TestContainers.image();
        image = "thaw-it:" + UUID.randomUUID().toString().substring(0, 8);
        Path script = Path.of("..", "scripts", "build-thaw-image.sh").toAbsolutePath().normalize();
        Process p = new ProcessBuilder("bash", script.toString(), ThawServerProcess.jar().toString(), "--tag", image)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("built " + image);
    }

    @AfterAll
    static void removeImage() throws Exception {
        if (image != null) {
            new ProcessBuilder("docker", "rmi", "-f", image).redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static ThawServerProcess sidecar(String targetId, String... dockerOptions) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("docker", "run", "-i", "--rm", "--label", TestContainers.LABEL + "=true"));
        cmd.addAll(List.of(dockerOptions));
        if (targetId != null) {
            cmd.add("--pid=container:" + targetId);
        }
        cmd.add(image);
        return ThawServerProcess.builder().launcher(cmd).args("--approve", "auto").start();
    }

    @Test
    void aSidecarReadsAndInjectsIntoAPythonTarget() throws Exception {
        try (TestContainers.Target t = TestContainers.start(Shape.hardened(), "python3.14", "-c",
                ContainerTargetsIT.resource("blocked_main.py"));
             ThawServerProcess thaw = sidecar(t.id(), "--cap-add", "SYS_PTRACE")) {
            String listed = text(thaw.call("list_processes", Map.of()));
            assertThat(listed).contains("cpython 3.14").containsPattern("(?m)^\\s*1\\s");

            CallToolResult snap = thaw.call("snapshot", Map.of("pid", 1));
            assertThat(snap.isError()).as(text(snap)).isFalse();
            assertThat(text(snap)).contains("<module>").contains("heartbeat");

            CallToolResult injected = thaw.call("inject_script", Map.of("pid", 1, "code", "import os\nprint('seen as', os.getpid())"));
            assertThat(text(injected)).contains("completed").contains("seen as 1");
        }
    }

    @Test
    void aSidecarReadsAJvmThroughItsOwnTmp() throws Exception {
        Path classes = TestContainers.hangClasses();
        try {
            try (TestContainers.Target t = TestContainers.start(Shape.plain().bindReadOnly(classes.toString(), "/app"),
                    "/usr/lib/jvm/java-21-openjdk-amd64/bin/java", "-cp", "/app", "Hang");
                 ThawServerProcess thaw = sidecar(t.id(), "--cap-add", "SYS_PTRACE")) {
                CallToolResult snap = thaw.call("snapshot", Map.of("pid", 1));
                assertThat(snap.isError()).as(text(snap)).isFalse();
                assertThat(text(snap)).contains("Hang.main");
                assertThat(text(thaw.call("jvm_diagnostic", Map.of("pid", 1, "command", "vm_flags")))).contains("MaxHeapSize");
            }
        } finally {
            TestContainers.removeClasses(classes);
        }
    }

    @Test
    void withoutSysPtraceTheRefusalNamesTheCapability() throws Exception {
        try (TestContainers.Target t = TestContainers.start(Shape.hardened(), "python3.14", "-c",
                ContainerTargetsIT.resource("blocked_main.py"));
             ThawServerProcess thaw = sidecar(t.id())) {
            CallToolResult snap = thaw.call("snapshot", Map.of("pid", 1));
            assertThat(snap.isError()).isTrue();
            assertThat(text(snap)).contains("SYS_PTRACE");
            assertThat(text(thaw.call("doctor", Map.of("pid", 1)))).contains("SYS_PTRACE");
        }
    }

    @Test
    void withoutASharedPidNamespaceTheRefusalSaysHowToShareIt() throws Exception {
        try (ThawServerProcess thaw = sidecar(null, "--cap-add", "SYS_PTRACE")) {
            CallToolResult snap = thaw.call("snapshot", Map.of("pid", 1));
            assertThat(snap.isError()).isTrue();
            assertThat(text(snap)).contains("--pid=container:");
            assertThat(text(thaw.call("list_processes", Map.of()))).contains("--pid=container:");
        }
    }
}
