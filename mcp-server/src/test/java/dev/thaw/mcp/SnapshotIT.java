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
    @SuppressWarnings("unchecked")
    void theDeadlockedWorkersComeFirstStuckOnLocksInTheirFunctions() {
        McpSchema.CallToolResult r = server.call("snapshot", Map.of("pid", deadlock.pid(), "samples", 3, "interval_ms", 100));
        assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
        // The model's view: one group per stack, facts shared by a group's threads stated once.
        Map<String, Object> s = ToolResults.structured(r);
        assertThat((String) s.get("runtime")).startsWith("cpython 3.14.");
        assertThat(s).containsEntry("threads", 3).containsEntry("samples", 3);
        List<Map<String, Object>> groups = ToolResults.list(s, "groups");
        assertThat(groups).hasSize(3);
        for (String worker : List.of("transfer-worker", "audit-worker")) {
            Map<String, Object> g = groups.stream().filter(x -> worker.equals(x.get("name"))).findFirst().orElseThrow();
            assertThat(g).containsEntry("state", "lock_wait").containsEntry("stuck", true).containsEntry("kernel", "sleeping futex");
            String function = worker.startsWith("transfer") ? "transfer" : "audit";
            assertThat((List<String>) g.get("frames")).first().asString().startsWith(function + " (");
            assertThat(g).doesNotContainKeys("kernelState", "locksHeld", "holdsGil");
        }
        dev.thaw.mcp.view.ViewParity.assertSameFacts(s, ToolResults.text(r));
        assertThat(ToolResults.text(r)).contains("transfer-worker").contains("audit-worker").contains("stuck");
        assertThat(ToolResults.text(r).length()).isLessThan(4000);
    }

    @Test
    void threadFilterAndBadPids() {
        McpSchema.CallToolResult one = server.call("snapshot", Map.of("pid", deadlock.pid(), "thread", "audit"));
        assertThat(ToolResults.structured(one)).containsEntry("matching", 1).containsEntry("threadFilter", "audit");

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

}
