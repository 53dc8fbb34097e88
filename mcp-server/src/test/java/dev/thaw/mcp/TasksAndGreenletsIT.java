package dev.thaw.mcp;

import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * snapshot over MCP (the real server jar, the SDK's client) on a frozen gevent hub and on asyncio
 * loops blocked in C: the greenlets and tasks are in the structured result and in the text.
 */
class TasksAndGreenletsIT {

    @Test
    void frozenHubAndBlockedLoopsOverMcp() throws Exception {
        PythonProgram gevent = PythonProgram.of("python/targets/gevent_frozen_hub.py");
        PythonProgram asyncio = PythonProgram.of("python/targets/asyncio_blocked_loops.py");
        try (TestPythons.Target hub = TestPythons.start("3.14", gevent.text());
             TestPythons.Target loops = TestPythons.start("3.15", asyncio.text());
             ThawServerProcess server = ThawServerProcess.start()) {
            loops.nextLine(Duration.ofSeconds(20)); // the second loop reported too
            server.client().initialize();
            Thread.sleep(500);

            McpSchema.CallToolResult r = server.call("snapshot", Map.of("pid", hub.pid()));
            assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
            // What Claude Code's model reads is the structured content as JSON: the greenlets must be in it.
            String hubView = dev.thaw.Json.write(ToolResults.structured(r));
            assertThat(hubView).contains("Greenlet-0: holder").contains("SUSPENDED")
                    .contains("hold_lock (<string>:" + gevent.line("holder-suspended") + ")").contains("RUNNING");
            assertThat(ToolResults.text(r)).contains("\"Greenlet-0: holder\"")
                    .contains("hold_lock (<string>:" + gevent.line("holder-suspended") + ")");

            McpSchema.CallToolResult a = server.call("snapshot", Map.of("pid", loops.pid()));
            assertThat(a.isError()).as(ToolResults.text(a)).isFalse();
            String loopView = dev.thaw.Json.write(ToolResults.structured(a));
            assertThat(loopView).contains("cycle-a").contains("AWAIT CYCLE");
            assertThat(ToolResults.text(a)).contains("AWAIT CYCLE").contains("tâche-é ✓ main");
        }
    }
}
