package dev.thaw.mcp;

import dev.thaw.Json;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real jar over stdio: the note tool, tool annotations, resources, the diagnose_hang prompt, notices. */
class SessionSurfaceIT {

    static ThawServerProcess server;
    static final List<McpSchema.LoggingMessageNotification> notices = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = ThawServerProcess.builder().logging(notices::add).start();
        server.client().initialize();
        // The first request writes session_start (the client is known only after initialize).
        server.call("note", Map.of("kind", "hypothesis", "text", "first note"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void toolAnnotationsSayWhatIsReadOnlyAndWhatIsDestructive() {
        Map<String, McpSchema.Tool> tools = new java.util.HashMap<>();
        server.client().listTools().tools().forEach(t -> tools.put(t.name(), t));
        assertThat(tools).containsKeys("note", "list_processes", "doctor");
        // Read-only tools, including those merged from other branches when they are present.
        for (String name : List.of("list_processes", "snapshot", "doctor", "list_diagnostics", "read_output", "note")) {
            if (tools.containsKey(name)) {
                McpSchema.ToolAnnotations a = tools.get(name).annotations();
                assertThat(a.readOnlyHint()).as("%s readOnlyHint", name).isTrue();
                assertThat(a.destructiveHint()).as("%s destructiveHint", name).isFalse();
            }
        }
        if (tools.containsKey("inject_script")) {
            McpSchema.ToolAnnotations a = tools.get("inject_script").annotations();
            assertThat(a.readOnlyHint()).isFalse();
            assertThat(a.destructiveHint()).isTrue();
            assertThat(a.idempotentHint()).isFalse();
        }
    }

    @Test
    void notesAreRecordedAndBadKindsRefused() throws Exception {
        McpSchema.CallToolResult r = server.call("note", Map.of("kind", "finding", "text", "worker-1 holds lock A"));
        assertThat(r.isError()).isFalse();
        assertThat(ToolResults.structured(r)).containsEntry("recorded", true).containsEntry("kind", "finding");
        String log = java.nio.file.Files.readString(server.sessionLogs().get(0));
        assertThat(log).contains("\"type\":\"note\",\"kind\":\"finding\",\"text\":\"worker-1 holds lock A\"");

        McpSchema.CallToolResult bad = server.call("note", Map.of("kind", "guess", "text", "x"));
        assertThat(bad.isError()).isTrue();
        assertThat(ToolResults.text(bad)).contains("kind");
    }

    @Test
    @SuppressWarnings("unchecked")
    void sessionStartNamesTheClientAndThePolicy() throws Exception {
        String first = java.nio.file.Files.readAllLines(server.sessionLogs().get(0)).get(0);
        Map<String, Object> start = Json.mapper().readValue(first, Map.class);
        assertThat(start).containsEntry("type", "session_start").containsEntry("policy", "custom")
                .containsEntry("elicitationTimeout", "PT10M");
        assertThat((Map<String, Object>) start.get("client")).containsEntry("name", "thaw-it").containsEntry("version", "1.0")
                .containsEntry("elicitation", false);
    }

    @Test
    void resourcesServeTheCurrentLogPastLogsReportsAndTheCatalog() {
        List<String> uris = server.client().listResources().resources().stream().map(McpSchema.Resource::uri).toList();
        assertThat(uris).contains(SessionResources.CURRENT, SessionResources.CURRENT_REPORT, SessionResources.INDEX,
                SessionResources.CATALOG_INDEX, "thaw://catalog/README.md");
        assertThat(server.client().listResourceTemplates().resourceTemplates()).extracting(McpSchema.ResourceTemplate::uriTemplate)
                .contains(SessionResources.LOG_TEMPLATE, SessionResources.REPORT_TEMPLATE);

        String current = text(SessionResources.CURRENT);
        assertThat(current).startsWith("{\"v\":1,\"seq\":1,").contains("\"type\":\"session_start\"", "first note");

        String index = text(SessionResources.INDEX);
        assertThat(index).contains("\"current\":true");
        String name = server.client().readResource(McpSchema.ReadResourceRequest.builder(SessionResources.INDEX).build())
                .contents().toString().replaceAll("(?s).*\"name\":\"([^\"]+)\".*", "$1");
        assertThat(text("thaw://sessions/" + name)).contains("session_start");
        assertThat(text("thaw://reports/" + name)).contains("# thaw session " + name, "## Timeline", "first note");
        assertThat(text(SessionResources.CURRENT_REPORT)).contains("### Hypotheses");
        assertThat(text("thaw://catalog/README.md")).contains("catalog");
        assertThat(text(SessionResources.CATALOG_INDEX)).contains("README.md");

        for (String bad : List.of("thaw://sessions/nope", "thaw://sessions/..%2f..%2fetc", "thaw://reports/.hidden")) {
            assertThatThrownBy(() -> text(bad)).as(bad).isInstanceOf(McpError.class)
                    .hasMessageContaining("thaw://sessions");
        }
    }

    @Test
    void diagnoseHangGivesTheLadderWithFactsAboutThePid() {
        long self = ProcessHandle.current().pid();
        McpSchema.GetPromptResult p = server.client().getPrompt(McpSchema.GetPromptRequest.builder("diagnose_hang")
                .arguments(Map.of("pid", String.valueOf(self))).build());
        String text = ((McpSchema.TextContent) p.messages().get(0).content()).text();
        assertThat(text).contains("process " + self, "hotspot", "snapshot", "note", "Look without touching",
                "Inject only if", "custom", "conclusion");
        assertThat(text.indexOf("snapshot")).isLessThan(text.indexOf("inject_script"));

        assertThatThrownBy(() -> server.client().getPrompt(McpSchema.GetPromptRequest.builder("diagnose_hang")
                .arguments(Map.of("pid", "abc")).build())).isInstanceOf(McpError.class).hasMessageContaining("pid");
    }

    @Test
    void theClientIsToldWhereTheSessionLogIs() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (notices.stream().noneMatch(n -> n.data().contains("records this session")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(notices).anySatisfy(n -> {
            assertThat(n.logger()).isEqualTo("thaw.session");
            assertThat(n.data()).contains(".jsonl", SessionResources.CURRENT);
        });
    }

    private static String text(String uri) {
        McpSchema.ReadResourceResult r = server.client().readResource(McpSchema.ReadResourceRequest.builder(uri).build());
        return ((McpSchema.TextResourceContents) r.contents().get(0)).text();
    }
}
