package dev.thaw.mcp;

import dev.thaw.Json;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import dev.thaw.testing.jvm.IdleTarget;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The confirmation shows what a script may change, and offers "custom scripts for this process for N
 * minutes": the real jar, the SDK's client answering the elicitation, the real gate (test_gate_probe,
 * which injects nothing). A "minute" lasts one second here (thaw.approvalWindowMinuteMs) so that the
 * window's end is seen.
 */
class ApprovalWindowIT {

    static final String READS = "import threading\nprint([t.name for t in threading.enumerate()])\n";
    static final String SIGNALS = "import os, signal\nos.kill(os.getpid(), signal.SIGHUP)\n";

    @Test
    void aTimeWindowIsRecordedHonouredForThatProcessOnlyAndExpires() throws Exception {
        List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();
        try (TestJdks.Target target = TestJdks.launch(TestJdks.require(17), IdleTarget.class).args("window-it").start();
             TestJdks.Target other = TestJdks.launch(TestJdks.require(17), IdleTarget.class).args("window-other").start();
             ThawServerProcess server = ThawServerProcess.builder().withTestExtensions()
                     .systemProperty("thaw.approvalWindowMinuteMs", "1000")
                     .elicitation(req -> {
                         asked.add(req);
                         return ElicitResult.builder(ElicitResult.Action.ACCEPT).content(Map.of("confirm", true,
                                 "allow", "custom scripts for this process for 5 min")).build();
                     }).start()) {
            server.client().initialize();
            McpSchema.CallToolResult first = probe(server, target.pid(), SIGNALS);
            assertThat(first.isError()).as(ToolResults.text(first)).isFalse();
            assertThat(asked).hasSize(1);
            // The summary sits above the script; the choice of a window is offered.
            String message = asked.get(0).message();
            assertThat(message).contains("May change the target: sends signals (line 2).");
            assertThat(message.indexOf("May change the target")).isLessThan(message.indexOf("Script ("));
            assertThat(asked.get(0).requestedSchema().toString()).contains("this once",
                    "custom scripts for this process for 15 min");

            long t0 = System.nanoTime();
            McpSchema.CallToolResult second = probe(server, target.pid(), READS);
            assertThat(ToolResults.structured(second)).containsEntry("approved", true).containsEntry("how", "user_allowed_window");
            assertThat(asked).as("not asked again within the window").hasSize(1);

            McpSchema.CallToolResult elsewhere = probe(server, other.pid(), READS);
            assertThat(ToolResults.structured(elsewhere)).containsEntry("how", "user_accepted");
            assertThat(asked).as("another process is not covered").hasSize(2);
            assertThat(asked.get(1).message()).contains("Reads only");

            // 5 "minutes" of one second each: after them, the person is asked again.
            long left = 5_500 - (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(Math.max(0, left));
            McpSchema.CallToolResult later = probe(server, target.pid(), READS);
            assertThat(ToolResults.structured(later)).containsEntry("how", "user_accepted");
            assertThat(asked).as("the window has ended").hasSize(3);

            List<Map<String, Object>> approvals = records(server).stream()
                    .filter(m -> "approval".equals(m.get("type"))).toList();
            assertThat(approvals).hasSize(4);
            assertThat((String) approvals.get(0).get("detail")).contains("allowed custom scripts for pid " + target.pid()
                    + " for 5 min (until ");
            assertThat(approvals.get(1)).containsEntry("how", "user_allowed_window");
            assertThat((String) approvals.get(1).get("detail")).contains("until", "granted with", "Reads only");
        }
    }

    static McpSchema.CallToolResult probe(ThawServerProcess server, long pid, String code) {
        Map<String, Object> args = new HashMap<>(Map.of("pid", pid, "code", code, "output", "ok\n"));
        return server.call("test_gate_probe", args);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> records(ThawServerProcess server) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String l : Files.readAllLines(server.sessionLogs().get(0))) {
            out.add(Json.mapper().readValue(l, Map.class));
        }
        return out;
    }
}
