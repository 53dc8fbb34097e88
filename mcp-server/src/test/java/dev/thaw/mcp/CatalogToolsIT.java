package dev.thaw.mcp;

import dev.thaw.Json;
import dev.thaw.catalog.Catalog;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog through the real server: list_diagnostics, the entries as resources, and
 * inject_script {diagnostic, params} against a real CPython target under the default approval
 * policy (catalog entries run without asking; the client here cannot even be asked).
 */
class CatalogToolsIT {

    private static final String TARGET = PythonProgram.of("python/mcp/report_worker.py").text();

    private static TestPythons.Target target;
    private static ThawServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        target = TestPythons.start("3.14", TARGET);
        server = ThawServerProcess.builder().start(); // default policy: custom; no elicitation capability
        server.client().initialize();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        target.close();
    }

    @Test
    void listDiagnosticsNamesEveryEntryWithItsQuestionAndOneInFullWithSchemaAndSource() throws Exception {
        McpSchema.CallToolResult all = server.call("list_diagnostics", Map.of());
        assertThat(all.isError()).isFalse();
        Map<String, Object> s = ToolResults.structured(all);
        List<Map<String, Object>> entries = ToolResults.list(s, "entries");
        assertThat(entries).hasSize(Catalog.system().entries().size()).hasSize((Integer) s.get("count"));
        assertThat(entries).extracting(e -> e.get("id")).contains("py.thread_stacks", "jvm.deadlocks");
        assertThat(entries).allSatisfy(e -> assertThat(e).containsKeys("id", "answers").doesNotContainKeys("params", "mutating"));
        dev.thaw.mcp.view.ViewParity.assertSameFacts(s, ToolResults.text(all));

        McpSchema.CallToolResult one = server.call("list_diagnostics", Map.of("id", "py.thread_stacks"));
        Map<String, Object> stacks = ToolResults.structured(one);
        assertThat(stacks).containsEntry("runtime", "cpython").doesNotContainKey("changesTarget")
                .containsEntry("source", "thaw://catalog/python/thread_stacks.py");
        assertThat(ToolResults.map(stacks, "params")).containsKey("properties");
        assertThat(ToolResults.text(one)).contains("py.thread_stacks — Thread stacks with locals", "answers:");

        // A Python process without gevent is not offered the gevent entries, and is told so.
        McpSchema.CallToolResult forPid = server.call("list_diagnostics", Map.of("pid", target.pid()));
        Map<String, Object> forPidView = ToolResults.structured(forPid);
        assertThat(ToolResults.list(forPidView, "entries")).isNotEmpty()
                .allSatisfy(e -> assertThat((String) e.get("id")).startsWith("py.").doesNotContain("gevent"));
        assertThat(forPidView.get("notApplicable").toString()).contains("py.gevent_greenlets (needs gevent)");
        McpSchema.CallToolResult jvm = server.call("list_diagnostics", Map.of("runtime", "hotspot"));
        assertThat(ToolResults.list(ToolResults.structured(jvm), "entries"))
                .isNotEmpty().allSatisfy(e -> assertThat((String) e.get("id")).startsWith("jvm."));

        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            McpSchema.CallToolResult none = server.call("list_diagnostics", Map.of("pid", (int) sleep.pid()));
            assertThat(none.isError()).isTrue();
            assertThat(ToolResults.text(none)).contains("not a CPython or HotSpot process", "list_processes");
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void everyEntryIsAResourceWhoseTextIsExactlyWhatRuns() {
        List<String> uris = server.client().listResources().resources().stream().map(McpSchema.Resource::uri).toList();
        for (var e : Catalog.system().entries()) {
            assertThat(uris).contains(e.resourceUri());
        }
        McpSchema.ReadResourceResult read = server.client().readResource(
                McpSchema.ReadResourceRequest.builder("thaw://catalog/python/thread_stacks.py").build());
        String text = ((McpSchema.TextResourceContents) read.contents().get(0)).text();
        assertThat(text).isEqualTo(Catalog.system().require("py.thread_stacks").source());
    }

    @Test
    void aDiagnosticRunsWithoutAskingAndTheSessionLogNamesIt() throws Exception {
        McpSchema.CallToolResult r = server.call("inject_script", Map.of("pid", target.pid(),
                "diagnostic", "py.thread_stacks", "params", Map.of("thread", "report-worker", "locals", true),
                "hypothesis", "what is the report worker doing"));
        assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
        Map<String, Object> s = ToolResults.structured(r);
        assertThat(s).containsEntry("state", "completed");
        String output = (String) s.get("output");
        assertThat(output).contains("Thread report-worker", "fetch_report", "report_id = 42", "password = ***")
                .doesNotContain("hunter2", "MainThread");

        List<Map<String, Object>> records = new ArrayList<>();
        for (String line : Files.readAllLines(server.sessionLogs().get(0))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = Json.mapper().readValue(line, Map.class);
            records.add(m);
        }
        assertThat(records).filteredOn(m -> "injection_queued".equals(m.get("type"))).anySatisfy(m ->
                assertThat(Json.write(m)).contains("\"catalogId\":\"py.thread_stacks\"", "\"locals\":true",
                        "\"max_frames\":30"));
        assertThat(records).filteredOn(m -> "approval".equals(m.get("type")))
                .anySatisfy(m -> assertThat(m).containsEntry("how", "catalog_entry"));

        // The same client's custom script would need a person, and this client cannot be asked.
        McpSchema.CallToolResult custom = server.call("inject_script", Map.of("pid", target.pid(), "code", "print(1)"));
        assertThat(custom.isError()).isTrue();
        assertThat(ToolResults.text(custom)).contains("list_diagnostics");
    }

    @Test
    void badDiagnosticCallsAreRefusedWithTheFixAndNothingRuns() {
        assertRefused(Map.of("pid", target.pid(), "diagnostic", "py.thread_stacks", "code", "print(1)"),
                "invalid_argument", "exactly one of 'code'");
        assertRefused(Map.of("pid", target.pid()), "invalid_argument", "exactly one of 'code'");
        assertRefused(Map.of("pid", target.pid(), "diagnostic", "py.no_such_thing"), "unknown_diagnostic", "list_diagnostics");
        assertRefused(Map.of("pid", target.pid(), "diagnostic", "py.thread_stacks", "params", Map.of("max_frames", 0)),
                "invalid_argument", "max_frames");
        assertRefused(Map.of("pid", target.pid(), "diagnostic", "py.thread_stacks", "params", Map.of("colour", "red")),
                "invalid_argument", "colour");
        assertRefused(Map.of("pid", target.pid(), "diagnostic", "jvm.deadlocks"), "runtime_mismatch", "list_diagnostics runtime=cpython");
        assertRefused(Map.of("pid", target.pid(), "diagnostic", "py.thread_stacks", "language", "java"),
                "invalid_argument", "Leave out language");
    }

    private static void assertRefused(Map<String, Object> args, String code, String hint) {
        McpSchema.CallToolResult r = server.call("inject_script", args);
        assertThat(r.isError()).as(args.toString()).isTrue();
        assertThat(ToolResults.map(ToolResults.structured(r), "error")).as(args.toString()).containsEntry("code", code);
        assertThat(ToolResults.text(r)).as(args.toString()).contains(hint).doesNotContain("Exception", "\tat ");
    }
}
