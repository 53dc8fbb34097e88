package dev.thaw.containers;

import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestContainers;
import dev.thaw.testing.TestContainers.Shape;
import dev.thaw.testing.ThawServerProcess;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.thaw.testing.ToolResults.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * thaw on the host against real Docker containers (Testcontainers, the local sid image): their own
 * PID, mount, network, UTS and IPC namespaces, a non-root user, a read-only root with a tmpfs /tmp, a
 * 1 MiB /dev/shm, a memory limit, no capabilities and Docker's default seccomp profile. Every tool
 * works, or refuses with the reason and the fix.
 */
class ContainerTargetsIT {

    private static ThawServerProcess server;

    @BeforeAll
    static void startServer() throws IOException {
        TestContainers.image(); // skip (or fail under CI) before starting anything
        server = ThawServerProcess.start("--approve", "auto");
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    static String resource(String name) {
        return PythonProgram.of("containers/" + name).text();
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void pythonInAHardenedContainer(String version) {
        try (TestContainers.Target t = TestContainers.start(Shape.hardened(), "python" + version, "-c",
                resource("blocked_main.py"))) {
            int pid = t.hostPid();
            String shortId = t.id().substring(0, 12);

            // The script comes in with -c: its first comment is in the command line.
            String listed = text(server.call("list_processes", Map.of("match", "A container target")));
            assertThat(listed).contains(String.valueOf(pid))
                    .contains("docker container " + t.name() + " (" + shortId + ")")
                    .contains("pid 1 in its own PID namespace");

            String doctor = text(server.call("doctor", Map.of("pid", pid)));
            assertThat(doctor).contains("docker container " + t.name()).contains("cpython " + version).doesNotContain("FAIL");

            CallToolResult snap = server.call("snapshot", Map.of("pid", pid));
            assertThat(snap.isError()).isFalse();
            assertThat(text(snap)).contains("runs in docker container " + t.name())
                    .contains("<module>").contains("heartbeat");

            CallToolResult injected = server.call("inject_script", Map.of("pid", pid,
                    "code", "import os, socket\nprint('pid', os.getpid(), 'host', socket.gethostname())"));
            // The pid and host name the process sees itself: the container's, not the host's.
            assertThat(text(injected)).contains("completed").contains("pid 1 host " + shortId);

            CallToolResult diagnostic = server.call("inject_script", Map.of("pid", pid, "diagnostic", "py.thread_stacks"));
            assertThat(text(diagnostic)).contains("completed").contains("heartbeat");
        }
    }

    @Test
    void jvmInAHardenedContainer() throws Exception {
        Path classes = TestContainers.hangClasses();
        try (TestContainers.Target t = TestContainers.start(Shape.hardened().bindReadOnly(classes.toString(), "/app"),
                "/usr/lib/jvm/java-21-openjdk-amd64/bin/java", "-Xmx64m", "-cp", "/app", "Hang")) {
            int pid = t.hostPid();
            CallToolResult snap = server.call("snapshot", Map.of("pid", pid));
            assertThat(text(snap)).contains("runs in docker container " + t.name()).contains("Hang.main");

            CallToolResult flags = server.call("jvm_diagnostic", Map.of("pid", pid, "command", "vm_flags"));
            assertThat(text(flags)).contains("MaxHeapSize");

            CallToolResult probe = server.call("inject_script", Map.of("pid", pid, "language", "java",
                    "code", "out.println(\"threads=\" + Thread.getAllStackTraces().size());"));
            assertThat(text(probe)).contains("completed").containsPattern("threads=\\d+");

            CallToolResult catalog = server.call("inject_script", Map.of("pid", pid, "diagnostic", "jvm.deadlocks"));
            assertThat(text(catalog)).contains("completed");
        } finally {
            TestContainers.removeClasses(classes);
        }
    }

    @Test
    void aJvmWhoseTmpIsALinkIsRefusedNotFollowed() throws Exception {
        // Root in the container replaces /tmp with a link to /etc: through /proc/PID/root that link would
        // resolve against the host's root, and thaw's trigger file and socket would land in the host's /etc.
        Path classes = TestContainers.hangClasses();
        try {
            try (TestContainers.Target t = TestContainers.start(Shape.plain().bindReadOnly(classes.toString(), "/app"),
                    "sh", "-c", "rm -rf /tmp && ln -s /etc /tmp && exec /usr/lib/jvm/java-21-openjdk-amd64/bin/java -cp /app Hang")) {
                String hostMarker = "/etc/.attach_pid1";
                CallToolResult r = server.call("snapshot", Map.of("pid", t.hostPid()));
                assertThat(r.isError()).isTrue();
                assertThat(text(r)).contains("symbolic link").contains("Fix:");
                assertThat(Files.exists(Path.of(hostMarker), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
            }
        } finally {
            TestContainers.removeClasses(classes);
        }
    }

    @Test
    void aContainerWithNoWritablePlaceIsRefusedWithTheFix() {
        Shape noWritable = Shape.plain();
        noWritable.host(h -> h.withReadonlyRootfs(true).withIpcMode("none"));
        try (TestContainers.Target t = TestContainers.start(noWritable, "python3.14", "-c", resource("blocked_main.py"))) {
            CallToolResult r = server.call("inject_script", Map.of("pid", t.hostPid(), "code", "print('never')"));
            assertThat(r.isError()).isTrue();
            assertThat(text(r)).contains("Read-only file system").contains("/tmp").contains("Fix:");
            // Looking still works: nothing needs writing.
            assertThat(text(server.call("snapshot", Map.of("pid", t.hostPid())))).contains("<module>");
        }
    }

    @Test
    void aContainerThatExitsMidCallIsReportedGone() throws Exception {
        TestContainers.Target t = TestContainers.start(Shape.plain(), "python3.14", "-c", resource("blocked_main.py"));
        int pid = t.hostPid();
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(700);
            } catch (InterruptedException ignored) {
                return;
            }
            t.close();
        });
        killer.start();
        CallToolResult r = server.call("snapshot", Map.of("pid", pid, "samples", 20, "interval_ms", 200));
        killer.join();
        assertThat(r.isError()).isTrue();
        assertThat(text(r)).containsAnyOf("exited", "gone", "no longer exists");
        // The server goes on.
        assertThat(server.call("list_processes", Map.of()).isError()).isFalse();
    }

    @Test
    void aZombieWhoseRootIsGoneIsExplained() throws Exception {
        // sh starts python in the background and execs sleep, which never reaps it: when python exits it
        // stays a zombie, its /proc/PID/root and memory gone.
        try (TestContainers.Target t = TestContainers.start(Shape.plain(), "sh", "-c",
                "python3.14 -c 'import os; print(\"ready\", os.getpid(), flush=True)' & exec sleep 1000")) {
            String pidLine = t.logs().lines().filter(l -> l.startsWith("ready")).findFirst().orElseThrow();
            int nsPid = Integer.parseInt(pidLine.split(" ")[1]);
            int hostPid = hostPidOf(t.hostPid(), nsPid);
            for (int i = 0; i < 100 && !Files.readString(Path.of("/proc", String.valueOf(hostPid), "stat")).contains(") Z "); i++) {
                Thread.sleep(50);
            }
            CallToolResult r = server.call("snapshot", Map.of("pid", hostPid));
            assertThat(r.isError()).isTrue();
            assertThat(text(r)).containsAnyOf("zombie", "exited");
        }
    }

    @Test
    void aPausedContainerIsRefusedAtOnceWithTheFix() {
        try (TestContainers.Target t = TestContainers.start(Shape.plain(), "python3.14", "-c", resource("blocked_main.py"))) {
            var docker = org.testcontainers.DockerClientFactory.instance().client();
            docker.pauseContainerCmd(t.id()).exec();
            try {
                // Looking needs no cooperation: the frozen process is read from its memory, and says it is frozen.
                CallToolResult snap = server.call("snapshot", Map.of("pid", t.hostPid()));
                assertThat(snap.isError()).as(text(snap)).isFalse();
                assertThat(text(snap)).contains("<module>").containsIgnoringCase("frozen");
                // Injecting would wait for a thread that cannot run: refused at once, naming the freezer.
                long started = System.nanoTime();
                CallToolResult r = server.call("inject_script", Map.of("pid", t.hostPid(), "code", "print('never')", "timeout_s", 30));
                long ms = (System.nanoTime() - started) / 1_000_000;
                assertThat(r.isError()).as(text(r)).isTrue();
                assertThat(text(r)).containsIgnoringCase("frozen").contains("Fix:");
                assertThat(ms).as("refused at once, not after the timeout").isLessThan(10_000);
            } finally {
                docker.unpauseContainerCmd(t.id()).exec();
            }
        }
    }

    /** The host pid of the child of {@code parent} that is {@code nsPid} in the container. */
    static int hostPidOf(int parent, int nsPid) throws IOException {
        String children = Files.readString(Path.of("/proc", String.valueOf(parent), "task", String.valueOf(parent), "children"));
        for (String c : children.trim().split("\\s+")) {
            for (String line : Files.readAllLines(Path.of("/proc", c, "status"))) {
                if (line.startsWith("NSpid:") && line.trim().endsWith("\t" + nsPid) || line.startsWith("NSpid:")
                        && line.trim().endsWith(" " + nsPid)) {
                    return Integer.parseInt(c);
                }
            }
        }
        throw new IllegalStateException("no child " + nsPid + " of " + parent + " in " + children);
    }
}
