package dev.thaw.mcp;

import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * inject_script and read_output end to end: the real jar over stdio, driven by the SDK's client
 * (with a progress consumer), against real CPython targets in the sid root.
 */
class InjectIT {

    private static final String TARGET = PythonProgram.of("python/mcp/sleep_loop_in_function.py").text();

    private Path state;
    private McpSyncClient client;
    private final List<McpSchema.ProgressNotification> progress = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        state = Files.createTempDirectory("thaw-it-state");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ServerParameters params = ServerParameters.builder(java)
                .args("-jar", ThawServerProcess.jar().toString(), "serve", "--approve", "auto")
                .addEnvVar("XDG_STATE_HOME", state.toString())
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> { });
        client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(30))
                .clientInfo(McpSchema.Implementation.builder("thaw-inject-it", "1.0").build())
                .progressConsumer(progress::add)
                .build();
        client.initialize();
    }

    @AfterEach
    void stop() throws IOException {
        try {
            client.closeGracefully();
        } catch (RuntimeException e) {
            client.close();
        }
        try (Stream<Path> walk = Files.walk(state)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private McpSchema.CallToolResult call(String tool, Map<String, Object> args, Object progressToken) {
        McpSchema.CallToolRequest.Builder b = McpSchema.CallToolRequest.builder(tool).arguments(args);
        if (progressToken != null) {
            b.progressToken(progressToken);
        }
        return client.callTool(b.build());
    }

    @Test
    void toolsAreDeclaredWithTheRightAnnotations() {
        List<McpSchema.Tool> tools = client.listTools().tools();
        McpSchema.Tool inject = tools.stream().filter(t -> t.name().equals("inject_script")).findFirst().orElseThrow();
        assertThat(inject.annotations().destructiveHint()).isTrue();
        assertThat(inject.annotations().readOnlyHint()).isFalse();
        assertThat(inject.annotations().idempotentHint()).isFalse();
        assertThat(inject.outputSchema()).isNotNull();
        McpSchema.Tool read = tools.stream().filter(t -> t.name().equals("read_output")).findFirst().orElseThrow();
        assertThat(read.annotations().readOnlyHint()).isTrue();
        assertThat(read.annotations().destructiveHint()).isFalse();
        assertThat(read.outputSchema()).isNotNull();
    }

    @Test
    void injectThenPageTheRestWithReadOutput() {
        try (TestPythons.Target t = TestPythons.start("3.14", TARGET)) {
            McpSchema.CallToolResult r = call("inject_script", Map.of("pid", t.pid(),
                    "code", "for i in range(3000):\n    print('%04d' % i, params['tag'])",
                    "params", Map.of("tag", "x" .repeat(20)), "hypothesis", "the output pages", "timeout_s", 20), null);
            assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
            Map<String, Object> s = ToolResults.structured(r);
            assertThat(s).containsEntry("state", "completed").containsEntry("more", true)
                    .doesNotContainKeys("sha256", "armedTids", "timings", "deliveredTid");
            dev.thaw.mcp.view.ViewParity.assertSameFacts(s, ToolResults.text(r));
            assertThat(ToolResults.text(r)).contains("completed").contains("read_output injection_id=");
            String id = (String) s.get("injectionId");
            StringBuilder all = new StringBuilder((String) s.get("output"));
            int offset = ((Number) s.get("nextOffset")).intValue();
            for (int i = 0; i < 50; i++) {
                McpSchema.CallToolResult page = call("read_output", Map.of("injection_id", id, "offset", offset,
                        "max_bytes", 20000), null);
                assertThat(page.isError()).isFalse();
                Map<String, Object> p = ToolResults.structured(page);
                all.append((String) p.get("text"));
                offset = ((Number) p.get("nextOffset")).intValue();
                if (Boolean.TRUE.equals(p.get("complete"))) {
                    break;
                }
            }
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 3000; i++) {
                expected.append(String.format("%04d ", i)).append("x".repeat(20)).append('\n');
            }
            assertThat(all.toString()).isEqualTo(expected.toString());
        }
    }

    @Test
    void progressIsNotifiedWhileWaitingAndALateResultIsCollected() {
        try (TestPythons.Target t = TestPythons.start("3.15", TARGET)) {
            McpSchema.CallToolResult r = call("inject_script", Map.of("pid", t.pid(),
                    "code", "import time\ntime.sleep(2.5)\nprint('done')", "timeout_s", 1.5), "tok-inject");
            assertThat(r.isError()).isFalse();
            Map<String, Object> s = ToolResults.structured(r);
            assertThat(s).containsEntry("state", "timed_out");
            assertThat(ToolResults.text(r)).contains("still running");
            assertThat(progress).isNotEmpty().allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("tok-inject"));
            assertThat(progress.get(progress.size() - 1).message()).contains("running");
            McpSchema.CallToolResult late = call("read_output", Map.of("injection_id", s.get("injectionId"),
                    "wait_s", 10), null);
            Map<String, Object> p = ToolResults.structured(late);
            assertThat(p).containsEntry("state", "completed").containsEntry("text", "done\n").containsEntry("complete", true);
        }
    }

    @Test
    void failuresAndRefusalsExplainThemselves() {
        try (TestPythons.Target py314 = TestPythons.start("3.14", TARGET);
             TestPythons.Target py313 = TestPythons.start("3.13", TARGET)) {
            McpSchema.CallToolResult syntax = call("inject_script", Map.of("pid", py314.pid(), "code", "def f(:\n  pass"), null);
            assertThat(syntax.isError()).isFalse();
            assertThat(ToolResults.structured(syntax)).containsEntry("state", "failed").containsEntry("errorType", "SyntaxError");
            assertThat(ToolResults.text(syntax)).contains("SyntaxError").contains("^");

            McpSchema.CallToolResult old = call("inject_script", Map.of("pid", py313.pid(), "code", "print(1)"), null);
            assertThat(old.isError()).isTrue();
            assertThat(ToolResults.text(old)).contains("3.13").contains("Fix:").contains("3.14 or 3.15").doesNotContain("at dev.thaw");
            assertThat(ToolResults.map(ToolResults.structured(old), "error")).containsEntry("code", "unsupported_version");

            McpSchema.CallToolResult badThread = call("inject_script", Map.of("pid", py314.pid(), "code", "print(1)",
                    "thread", "sideways"), null);
            assertThat(badThread.isError()).isTrue();
            assertThat(ToolResults.text(badThread)).contains("thread");

            McpSchema.CallToolResult unknown = call("read_output", Map.of("injection_id", "inj999-zzzz"), null);
            assertThat(unknown.isError()).isTrue();
            assertThat(ToolResults.text(unknown)).contains("inj999-zzzz");
        }
    }

    @Test
    void theServerLeavesNoDirectoryBehindWhenItExits() throws Exception {
        try (TestPythons.Target t = TestPythons.start("3.14", TARGET)) {
            McpSchema.CallToolResult r = call("inject_script", Map.of("pid", t.pid(),
                    "code", "import time\ntime.sleep(60)", "timeout_s", 0.5), null);
            assertThat(ToolResults.structured(r)).containsEntry("state", "timed_out");
            String id = (String) ToolResults.structured(r).get("injectionId");
            // The target's /dev/shm (a tmpfs in the sid root) is preferred; its /tmp otherwise.
            List<Path> tmp = List.of(Path.of("/proc", Integer.toString(t.pid()), "root", "dev", "shm"),
                    Path.of("/proc", Integer.toString(t.pid()), "root", "tmp"));
            assertThat(dirsOf(tmp, id)).hasSize(1);
            client.closeGracefully();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!dirsOf(tmp, id).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(dirsOf(tmp, id)).as("removed at server exit").isEmpty();
        }
    }

    private static List<Path> dirsOf(List<Path> places, String injectionId) throws IOException {
        List<Path> out = new java.util.ArrayList<>();
        for (Path tmp : places) {
            try (Stream<Path> s = Files.list(tmp)) {
                out.addAll(s.filter(p -> p.getFileName().toString().startsWith("thaw-inj-")
                        && p.getFileName().toString().endsWith("-" + injectionId)).toList());
            }
        }
        return out;
    }
}
