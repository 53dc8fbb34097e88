package dev.thaw.mcp;

import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * snapshot over MCP against the py-lock-ordering scenario of sample-deadlock-app: the answer key's
 * threads and frames must be in the result, ranked first and marked stuck — not merely a success.
 */
class SnapshotIT {

    static TestPythons.Target deadlock;
    static ThawServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        String script;
        try (InputStream in = SnapshotIT.class.getResourceAsStream("/scenarios/python/lock_ordering.py")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        deadlock = TestPythons.start("3.14", script);
        server = ThawServerProcess.start();
        server.client().initialize();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (deadlock != null) {
            deadlock.close();
        }
    }

    @Test
    void theDeadlockedWorkersComeFirstStuckOnLocksInTheirFunctions() {
        McpSchema.CallToolResult r = server.call("snapshot", Map.of("pid", deadlock.pid(), "samples", 3, "interval_ms", 100));
        assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
        Map<String, Object> s = ToolResults.structured(r);
        assertThat(s).containsEntry("runtime", "cpython").containsEntry("totalThreads", 3).containsEntry("samples", 3);
        List<Map<String, Object>> groups = ToolResults.list(s, "groups");
        assertThat(groups).hasSize(3);
        for (String worker : List.of("transfer-worker", "audit-worker")) {
            Map<String, Object> g = groups.stream().filter(x -> threadNames(x).contains(worker)).findFirst().orElseThrow();
            Map<String, Object> t = ToolResults.list(g, "threads").get(0);
            assertThat(t).containsEntry("state", "lock_wait").containsEntry("stuck", true).containsEntry("syscall", "futex");
            String function = worker.startsWith("transfer") ? "transfer" : "audit";
            assertThat(ToolResults.list(g, "frames").get(0)).containsEntry("function", function);
        }
        assertThat(ToolResults.text(r)).contains("transfer-worker").contains("audit-worker").contains("stuck");
        assertThat(ToolResults.text(r).length()).isLessThan(4000);
    }

    /** What the tool reads beyond the stacks, through the real server: names, waited-on locks, source, locals. */
    @Test
    @SuppressWarnings("unchecked")
    void theToolNamesTheLocksTheWorkersWaitOnWithSourceAndLocals() {
        McpSchema.CallToolResult r = server.call("snapshot", Map.of("pid", deadlock.pid(), "source", "context",
                "locals", true, "consistent", true));
        assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
        Map<String, Object> s = ToolResults.structured(r);
        Map<String, Object> python = ToolResults.map(s, "python");
        assertThat(python).containsEntry("source", "context").containsKey("pausedMs");
        assertThat((List<Object>) ToolResults.map(python, "modules").get("notable")).contains("threading");
        for (String worker : List.of("transfer-worker", "audit-worker")) {
            Map<String, Object> g = ToolResults.list(s, "groups").stream().filter(x -> threadNames(x).contains(worker))
                    .findFirst().orElseThrow();
            Map<String, Object> t = ToolResults.map(ToolResults.list(g, "threads").get(0), "python");
            assertThat(t).containsEntry("name", worker);
            Map<String, Object> waited = ToolResults.list(t, "waitsOn").get(0);
            assertThat(waited).containsEntry("type", "_thread.lock").containsEntry("held", true)
                    .containsEntry("role", "receiver");
            assertThat(ToolResults.list(t, "locals")).isNotEmpty();
            // the scenario runs as python -c: its code has no file, and the source says so
            assertThat(ToolResults.map(ToolResults.list(g, "frames").get(0), "source")).containsEntry("status", "missing")
                    .containsEntry("reason", "the code was not compiled from a file (<string>)");
        }
        McpSchema.CallToolResult bad = server.call("snapshot", Map.of("pid", deadlock.pid(), "source", "all"));
        assertThat(bad.isError()).isTrue();
        assertThat(ToolResults.text(bad)).contains("source").contains("none");
    }

    @Test
    void threadFilterAndBadPids() {
        McpSchema.CallToolResult one = server.call("snapshot", Map.of("pid", deadlock.pid(), "thread", "audit"));
        assertThat(ToolResults.structured(one)).containsEntry("shownThreads", 1);

        McpSchema.CallToolResult gone = server.call("snapshot", Map.of("pid", 2_000_000_000));
        assertThat(gone.isError()).isTrue();
        assertThat(ToolResults.text(gone)).contains("does not exist");

        McpSchema.CallToolResult badSamples = server.call("snapshot", Map.of("pid", deadlock.pid(), "samples", 500));
        assertThat(badSamples.isError()).isTrue();
        assertThat(ToolResults.text(badSamples)).contains("samples");
    }

    @Test
    void aProcessWithoutARuntimeIsRefusedWithTheReason() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            McpSchema.CallToolResult r = server.call("snapshot", Map.of("pid", (int) sleep.pid()));
            assertThat(r.isError()).isTrue();
            assertThat(ToolResults.text(r)).contains("neither CPython").contains("list_processes");
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }

    private static List<String> threadNames(Map<String, Object> group) {
        return ToolResults.list(group, "threads").stream().map(t -> (String) t.get("name")).toList();
    }
}
