package dev.thaw.mcp;

import dev.thaw.python.TargetSource;
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
        TargetSource gevent = TargetSource.of("gevent_frozen_hub.py");
        TargetSource asyncio = TargetSource.of("asyncio_blocked_loops.py");
        try (TestPythons.Target hub = TestPythons.start("3.14", gevent.text());
             TestPythons.Target loops = TestPythons.start("3.15", asyncio.text());
             ThawServerProcess server = ThawServerProcess.start()) {
            loops.nextLine(Duration.ofSeconds(20)); // the second loop reported too
            server.client().initialize();
            Thread.sleep(500);

            McpSchema.CallToolResult r = server.call("snapshot", Map.of("pid", hub.pid()));
            assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
            Map<String, Object> main = mainThread(ToolResults.structured(r));
            List<Map<String, Object>> greenlets = ToolResults.list(main, "greenlets");
            Map<String, Object> holder = greenlets.stream().filter(g -> "Greenlet-0: holder".equals(g.get("name")))
                    .findFirst().orElseThrow();
            assertThat(holder).containsEntry("state", "suspended");
            assertThat(ToolResults.list(holder, "frames").get(0)).containsEntry("function", "hold_lock")
                    .containsEntry("line", gevent.line("holder-suspended"));
            assertThat(greenlets.get(0)).containsEntry("state", "running");
            assertThat(ToolResults.text(r)).contains("\"Greenlet-0: holder\"")
                    .contains("hold_lock (<string>:" + gevent.line("holder-suspended") + ")");

            McpSchema.CallToolResult a = server.call("snapshot", Map.of("pid", loops.pid()));
            assertThat(a.isError()).as(ToolResults.text(a)).isFalse();
            @SuppressWarnings("unchecked")
            Map<String, Object> loop = (Map<String, Object>) mainThread(ToolResults.structured(a)).get("asyncio");
            assertThat(ToolResults.list(loop, "tasks")).anyMatch(t -> "cycle-a".equals(t.get("name")));
            assertThat(ToolResults.list(loop, "cycles")).hasSize(1);
            assertThat(ToolResults.text(a)).contains("AWAIT CYCLE").contains("tâche-é ✓ main");
        }
    }

    private static Map<String, Object> mainThread(Map<String, Object> snapshot) {
        return ToolResults.list(snapshot, "groups").stream().flatMap(g -> ToolResults.list(g, "threads").stream())
                .filter(t -> Boolean.TRUE.equals(t.get("main"))).findFirst().orElseThrow();
    }
}
