package dev.thaw.mcp;

import dev.thaw.Json;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Jdk;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import dev.thaw.testing.jvm.LockScenarios;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1,000-thread JVM's snapshot as an assistant gets it: a {@code tools/call snapshot} from the SDK's
 * client in this JVM to the real server jar over stdio, timed from request to parsed reply, against
 * {@code jstack -l PID} as a whole process in the same run. Opt-in (about a minute):
 * {@code ./mvnw -o -pl mcp-server -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=McpSnapshotBenchmarkIT -Dthaw.bench=true}; results in
 * {@code mcp-server/target/bench-mcp-snapshot-jdkN.txt}. With {@code -Dthaw.bench.baselineJar=PATH} the
 * same calls also go, alternating, to a server from another build (e.g. the commit before a change).
 */
@EnabledIfSystemProperty(named = "thaw.bench", matches = "true")
class McpSnapshotBenchmarkIT {

    private static final int WARMUP = Integer.getInteger("thaw.bench.warmup", 15);
    private static final int RUNS = Integer.getInteger("thaw.bench.runs", 30);
    private static final int JSTACK_RUNS = Integer.getInteger("thaw.bench.jstackRuns", 9);

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void snapshotThroughMcpVersusJstack(int feature) throws Exception {
        Jdk jdk = TestJdks.require(feature);
        String baselineJar = System.getProperty("thaw.bench.baselineJar");
        try (TestJdks.Target t = TestJdks.launch(jdk, LockScenarios.class).args("monitor", "juc", "idle=1000").start();
             ThawServerProcess server = ThawServerProcess.builder().requestTimeout(Duration.ofSeconds(60)).start();
             ThawServerProcess baseline = baselineJar == null ? null : startWithJar(baselineJar)) {
            server.client().initialize();
            if (baseline != null) {
                baseline.client().initialize();
            }
            Map<String, Object> args = Map.of("pid", t.pid());
            for (int i = 0; i < WARMUP; i++) {
                assertThat(server.call("snapshot", args).isError()).isFalse();
                if (baseline != null) {
                    assertThat(baseline.call("snapshot", args).isError()).isFalse();
                }
            }
            // Alternating calls: both servers see the same load.
            List<Double> mcp = new ArrayList<>();
            List<Double> before = new ArrayList<>();
            int bytes = 0;
            int beforeBytes = 0;
            for (int i = 0; i < RUNS; i++) {
                long t0 = System.nanoTime();
                McpSchema.CallToolResult r = server.call("snapshot", args);
                mcp.add((System.nanoTime() - t0) / 1e6);
                assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
                bytes = Json.write(r.structuredContent()).getBytes(StandardCharsets.UTF_8).length;
                if (baseline != null) {
                    long b0 = System.nanoTime();
                    McpSchema.CallToolResult b = baseline.call("snapshot", args);
                    before.add((System.nanoTime() - b0) / 1e6);
                    beforeBytes = Json.write(b.structuredContent()).getBytes(StandardCharsets.UTF_8).length;
                }
            }
            List<Double> jstack = new ArrayList<>();
            for (int i = 0; i < JSTACK_RUNS; i++) {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder(jdk.tool("jstack").toString(), "-l", Integer.toString(t.pid()))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                jstack.add((System.nanoTime() - t0) / 1e6);
                assertThat(p.exitValue()).isZero();
            }
            String report = String.format(
                    "JDK %s target, 1000+ threads, %d cores, loadavg %s%n"
                            + "snapshot via MCP (SDK client -> server jar over stdio, reply parsed), %d runs after %d: "
                            + "median %.1f ms [min %.1f, max %.1f]; %d bytes of structuredContent%n"
                            + "jstack -l whole process, %d runs: median %.1f ms [min %.1f, max %.1f]%n"
                            + "jstack / MCP snapshot: %.2fx%n",
                    t.ready("version"), Runtime.getRuntime().availableProcessors(),
                    Files.readString(Path.of("/proc/loadavg")).trim(), RUNS, WARMUP, median(mcp), Collections.min(mcp),
                    Collections.max(mcp), bytes, JSTACK_RUNS, median(jstack), Collections.min(jstack),
                    Collections.max(jstack), median(jstack) / median(mcp));
            if (baseline != null) {
                report += String.format("baseline jar %s, same runs alternating: median %.1f ms [min %.1f, max %.1f]; "
                                + "%d bytes; jstack / baseline: %.2fx%n", baselineJar, median(before),
                        Collections.min(before), Collections.max(before), beforeBytes, median(jstack) / median(before));
            }
            Files.writeString(Path.of("target/bench-mcp-snapshot-jdk" + feature + ".txt"), report);
            System.out.println(report);
        }
    }

    /** A server from another build (the baseline), started the same way. */
    private static ThawServerProcess startWithJar(String jar) throws java.io.IOException {
        String ours = System.getProperty("thaw.jar");
        System.setProperty("thaw.jar", jar);
        try {
            return ThawServerProcess.builder().requestTimeout(Duration.ofSeconds(60)).start();
        } finally {
            System.setProperty("thaw.jar", ours);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
