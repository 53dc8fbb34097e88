package dev.thaw.mcp;

import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
        script = PythonProgram.of("scenarios/python/lock_ordering.py").text();
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

    /** What the tool reads beyond the stacks, through the real server: names, waited-on locks, source, locals. */
    @Test
    @SuppressWarnings("unchecked")
    void theToolNamesTheLocksTheWorkersWaitOnWithSourceAndLocals() {
        McpSchema.CallToolResult r = server.call("snapshot", Map.of("pid", deadlock.pid(), "source", "context",
                "locals", true, "consistent", true));
        assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
        Map<String, Object> s = ToolResults.structured(r);
        Map<String, Object> python = ToolResults.map(s, "python");
        assertThat(python).containsKey("pausedMs");
        assertThat((List<Object>) python.get("loaded")).contains("threading");
        for (String worker : List.of("transfer-worker", "audit-worker")) {
            // The view names each worker by its Python thread name and says what it waits on.
            Map<String, Object> g = ToolResults.list(s, "groups").stream()
                    .filter(x -> worker.equals(x.get("pyName")) || String.valueOf(x.get("differ")).contains(worker))
                    .findFirst().orElseThrow();
            String group = dev.thaw.Json.write(g);
            assertThat(group).contains("_thread.lock@0x").contains(" (held) [receiver");
            assertThat(group).contains("\"locals\"");
            // the scenario runs as python -c: its own code has no file, so no source line is shown for it;
            // the standard library's frames show theirs, read from the target's own files
            List<String> frames = (List<String>) g.get("frames");
            assertThat(frames.get(0)).doesNotContain(" ▸ ");
            assertThat(frames).anyMatch(f -> f.startsWith("Thread.run (") && f.contains(" ▸ self._target("));
        }
        dev.thaw.mcp.view.ViewParity.assertSameFacts(s, ToolResults.text(r));
        McpSchema.CallToolResult bad = server.call("snapshot", Map.of("pid", deadlock.pid(), "source", "all"));
        assertThat(bad.isError()).isTrue();
        assertThat(ToolResults.text(bad)).contains("source").contains("none");
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
