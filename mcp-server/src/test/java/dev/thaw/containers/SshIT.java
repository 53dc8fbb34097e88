package dev.thaw.containers;

import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.thaw.testing.ToolResults.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * thaw over SSH, as docs/containers.md tells it: the MCP client's command is {@code ssh HOST
 * /path/to/thaw serve}. A real OpenSSH server (Debian's openssh-server) on 127.0.0.1 with key
 * authentication and a login banner (noise on the client's stderr), started by the test on a free
 * port; the tools work through it, and the session log stays on the "remote" side, where
 * {@code thaw replay} reads it.
 */
class SshIT {

    private Path dir;
    private Process sshd;
    private int port;

    @BeforeEach
    void startSshd() throws Exception {
        Path sshdBin = Path.of("/usr/sbin/sshd");
        if (!Files.isExecutable(sshdBin) || !Files.isExecutable(Path.of("/usr/bin/ssh"))) {
            String msg = "OpenSSH server and client are needed (apt-get install openssh-server openssh-client; .ci/run does it).";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        dir = Files.createTempDirectory("thaw-ssh-it", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("client_key").toString());
        Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
        Files.writeString(dir.resolve("banner"), "*** a login banner: noise that must never reach the MCP protocol ***\n");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PidFile " + dir.resolve("sshd.pid"),
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                // The keys live in a private directory under /tmp, whose 1777 mode StrictModes refuses.
                "StrictModes no",
                "PrintMotd no",
                "Banner " + dir.resolve("banner"),
                "") + "\n");
        Files.createDirectories(Path.of("/run/sshd")); // its privilege-separation directory
        sshd = new ProcessBuilder(sshdBin.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        fail("sshd did not listen on " + port + ": " + Files.readString(dir.resolve("sshd.log")));
    }

    @AfterEach
    void stopSshd() throws IOException {
        if (sshd != null) {
            sshd.destroy();
        }
        if (dir != null) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private List<String> ssh(String... remote) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-T", "-p", String.valueOf(port), "-i", dir.resolve("client_key").toString(),
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "root@127.0.0.1"));
        cmd.addAll(List.of(remote));
        return cmd;
    }

    @Test
    void theToolsWorkOverSshAndTheSessionLogStaysRemote() throws Exception {
        Path launcher = Path.of("..", "thaw").toAbsolutePath().normalize();
        Path remoteState = dir.resolve("remote-state");
        String java = Path.of(System.getProperty("java.home")).toString();
        // As a .mcp.json would have it: ssh HOST /path/to/thaw serve (here with the remote's state directory
        // and JDK named, since the test's are not the login defaults).
        List<String> command = ssh("env", "XDG_STATE_HOME=" + remoteState, "JAVA_HOME=" + java, launcher.toString());
        try (TestPythons.Target target = TestPythons.start("3.14", "import time\nprint('ready', flush=True)\nwhile True:\n    time.sleep(0.05)\n");
             ThawServerProcess thaw = ThawServerProcess.builder().launcher(command).args("--approve", "auto").start()) {
            int pid = target.pid();
            assertThat(text(thaw.call("list_processes", Map.of("runtime", "cpython")))).contains(String.valueOf(pid));
            CallToolResult snap = thaw.call("snapshot", Map.of("pid", pid));
            assertThat(snap.isError()).as(text(snap)).isFalse();
            assertThat(text(snap)).contains("<module>");
            CallToolResult injected = thaw.call("inject_script", Map.of("pid", pid, "code", "print('over ssh')"));
            assertThat(text(injected)).contains("completed").contains("over ssh");
            // ssh's banner went to stderr, where the client keeps it away from the protocol.
            assertThat(String.join("\n", thaw.stderr())).contains("a login banner");
        }
        try (Stream<Path> logs = Files.list(remoteState.resolve("thaw").resolve("sessions"))) {
            assertThat(logs.filter(p -> p.toString().endsWith(".jsonl")).count()).isEqualTo(1);
        }
        Process replay = new ProcessBuilder(ssh("env", "XDG_STATE_HOME=" + remoteState, "JAVA_HOME=" + java,
                launcher.toString(), "replay", "latest")).redirectErrorStream(false).start();
        String out = new String(replay.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(replay.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("snapshot").contains("inject_script").contains("over ssh");
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            fail(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
