package dev.thaw.mcp;

import dev.thaw.Json;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import dev.thaw.testing.jvm.IdleTarget;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The approval policy end to end: the real jar, the SDK's client answering elicitations (accept,
 * decline, never), each policy, and a real JVM as the target. The requests go through the real gate
 * via the test-only tool test_gate_probe (see GateProbeExtension), which injects nothing.
 */
class ApprovalIT {

    static final String SCRIPT = "import threading\nprint([t.name for t in threading.enumerate()])\n";

    static TestJdks.Target target;

    @BeforeAll
    static void startTarget() {
        target = TestJdks.launch(TestJdks.require(17), IdleTarget.class).args("approval-it").start();
    }

    @AfterAll
    static void stopTarget() {
        target.close();
    }

    /** A client that records each elicitation and answers with {@code answer}. */
    static final class Client {
        final List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();
        final List<McpSchema.LoggingMessageNotification> notices = new CopyOnWriteArrayList<>();
        final ThawServerProcess server;

        Client(Function<McpSchema.ElicitFormRequest, ElicitResult> answer, String... serveArgs) throws Exception {
            ThawServerProcess.Builder b = ThawServerProcess.builder().withTestExtensions().args(serveArgs).logging(notices::add);
            if (answer != null) {
                b.elicitation(req -> {
                    asked.add(req);
                    return answer.apply(req);
                });
            }
            server = b.start();
            server.client().initialize();
        }

        McpSchema.CallToolResult probe(Map<String, Object> extra) {
            Map<String, Object> args = new java.util.HashMap<>(Map.of("pid", target.pid(), "code", SCRIPT,
                    "output", "['main', 'worker']\n", "hypothesis", "list the threads"));
            args.putAll(extra);
            return server.call("test_gate_probe", args);
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records() throws Exception {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String l : Files.readAllLines(server.sessionLogs().get(0))) {
                out.add(Json.mapper().readValue(l, Map.class));
            }
            return out;
        }

        List<Object> types() throws Exception {
            return records().stream().map(r -> r.get("type")).toList();
        }
    }

    static ElicitResult accept(boolean confirm) {
        return ElicitResult.builder(ElicitResult.Action.ACCEPT).content(Map.of("confirm", confirm)).build();
    }

    @Test
    void customAsksForACustomScriptShowingTargetScriptAndHashAndRunsItOnAccept() throws Exception {
        Client c = new Client(r -> accept(true));
        try (ThawServerProcess s = c.server) {
            McpSchema.CallToolResult r = c.probe(Map.of());
            assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
            assertThat(ToolResults.structured(r)).containsEntry("approved", true).containsEntry("how", "user_accepted");
            String sha = (String) ToolResults.structured(r).get("sha256");

            McpSchema.ElicitFormRequest asked = c.asked.get(0);
            assertThat(asked.message()).contains("pid " + target.pid(), "hotspot 17", "IdleTarget", sha, SCRIPT.trim(),
                    "Why: list the threads", "Approval policy: custom");
            assertThat(asked.requestedSchema().toString()).contains("confirm");

            List<Map<String, Object>> recs = c.records();
            assertThat(c.types()).containsSubsequence("tool_call_started", "injection_queued", "approval",
                    "injection_status", "injection_status", "injection_output", "tool_call");
            Map<String, Object> queued = recs.stream().filter(m -> "injection_queued".equals(m.get("type"))).findFirst().orElseThrow();
            assertThat(queued).containsEntry("script", SCRIPT).containsEntry("sha256", sha);
            assertThat(queued.get("target").toString()).contains("pid=" + target.pid(), "startTime=", "executable=", "runtimeVersion=17");
            Map<String, Object> approval = recs.stream().filter(m -> "approval".equals(m.get("type"))).findFirst().orElseThrow();
            assertThat(approval).containsEntry("approved", true).containsEntry("how", "user_accepted").containsEntry("policy", "custom")
                    .containsKey("waitedMs");
            assertThat(c.notices).anySatisfy(n -> assertThat(n.data()).contains("approved (user_accepted"));
        }
    }

    @Test
    void aDeclineOrAnUntickedBoxIsAToolErrorAndNothingRuns() throws Exception {
        for (Function<McpSchema.ElicitFormRequest, ElicitResult> answer : List.<Function<McpSchema.ElicitFormRequest, ElicitResult>>of(
                r -> ElicitResult.builder(ElicitResult.Action.DECLINE).build(),
                r -> accept(false),
                r -> ElicitResult.builder(ElicitResult.Action.CANCEL).build())) {
            Client c = new Client(answer);
            try (ThawServerProcess s = c.server) {
                McpSchema.CallToolResult r = c.probe(Map.of());
                assertThat(r.isError()).isTrue();
                assertThat(ToolResults.text(r)).contains("was not injected", "pid " + target.pid()).doesNotContain("at dev.thaw");
                assertThat(ToolResults.map(ToolResults.structured(r), "error")).containsEntry("code", "approval_declined");
                assertThat(c.types()).contains("injection_queued", "approval").doesNotContain("injection_status", "injection_output");
            }
        }
    }

    @Test
    void aClientWithoutElicitationGetsTheExplanationAndTheFix() throws Exception {
        Client c = new Client(null);
        try (ThawServerProcess s = c.server) {
            McpSchema.CallToolResult r = c.probe(Map.of());
            assertThat(r.isError()).isTrue();
            assertThat(ToolResults.text(r)).contains("--approve custom", "elicitation", "thaw-it 1.0", "--approve auto",
                    "list_diagnostics");
            assertThat(c.records().stream().filter(m -> "approval".equals(m.get("type")))).singleElement()
                    .satisfies(m -> assertThat(m).containsEntry("how", "no_way_to_ask"));
            // A catalog entry needs nobody under custom.
            McpSchema.CallToolResult cat = c.probe(Map.of("catalog_id", "py.threads"));
            assertThat(cat.isError()).isFalse();
            assertThat(ToolResults.structured(cat)).containsEntry("how", "catalog_entry");
        }
    }

    @Test
    void alwaysAsksForCatalogEntriesToo() throws Exception {
        Client c = new Client(r -> accept(true), "--approve", "always");
        try (ThawServerProcess s = c.server) {
            assertThat(c.probe(Map.of("catalog_id", "py.threads", "params", Map.of("depth", 2))).isError()).isFalse();
            assertThat(c.asked).singleElement().satisfies(a -> assertThat(a.message()).contains("Catalog entry: py.threads",
                    "{\"depth\":2}", "policy: always"));
        }
    }

    @Test
    void denyCustomRefusesCustomScriptsWithoutAsking() throws Exception {
        Client c = new Client(r -> accept(true), "--approve", "deny-custom");
        try (ThawServerProcess s = c.server) {
            McpSchema.CallToolResult r = c.probe(Map.of());
            assertThat(r.isError()).isTrue();
            assertThat(ToolResults.map(ToolResults.structured(r), "error")).containsEntry("code", "custom_script_refused");
            assertThat(c.probe(Map.of("catalog_id", "py.threads")).isError()).isFalse();
            assertThat(c.asked).isEmpty();
        }
    }

    @Test
    void autoAsksNobodyAndStillRecordsEverything() throws Exception {
        Client c = new Client(r -> accept(false), "--approve", "auto");
        try (ThawServerProcess s = c.server) {
            McpSchema.CallToolResult r = c.probe(Map.of());
            assertThat(r.isError()).isFalse();
            assertThat(ToolResults.structured(r)).containsEntry("how", "auto_policy");
            assertThat(c.asked).isEmpty();
            assertThat(c.types()).contains("injection_queued", "approval", "injection_output");
            assertThat(c.records().get(0)).containsEntry("policy", "auto");
        }
    }

    @Test
    void anUnansweredConfirmationTimesOutAsConfigured() throws Exception {
        Client c = new Client(r -> {
            try {
                Thread.sleep(6_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return accept(true);
        }, "--elicitation-timeout", "2s");
        try (ThawServerProcess s = c.server) {
            long t0 = System.nanoTime();
            McpSchema.CallToolResult r = c.probe(Map.of());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.isError()).isTrue();
            assertThat(ToolResults.map(ToolResults.structured(r), "error")).containsEntry("code", "approval_timed_out");
            assertThat(ToolResults.text(r)).contains("--elicitation-timeout");
            assertThat(ms).isBetween(1_500L, 5_900L);
        }
    }
}
