package dev.thaw.mcp;

import dev.thaw.Json;
import dev.thaw.mcp.view.ViewParity;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import dev.thaw.testing.jvm.LockScenarios;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a model receives in Claude Code, which shows it {@code JSON.stringify(structuredContent)} (the
 * text only when there is none) and caps a result at 25,000 tokens: measured on the real server jar
 * through the SDK's client, against real targets. Each answer must fit its budget, say the same as its
 * text, and leave out what the model does not need.
 */
class ModelViewBudgetIT {

    static ThawServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ThawServerProcess.builder().args("--approve", "auto").requestTimeout(Duration.ofSeconds(120)).start();
        server.client().initialize();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** The bytes Claude Code hands the model for this result. */
    static int modelBytes(McpSchema.CallToolResult r) {
        String seen = r.structuredContent() != null ? Json.write(r.structuredContent()) : ToolResults.text(r);
        return seen.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void theToolListFits() {
        McpSchema.ListToolsResult tools = server.client().listTools();
        int bytes = Json.write(tools).getBytes(StandardCharsets.UTF_8).length;
        System.out.println("tools/list: " + bytes + " bytes");
        assertThat(bytes).isLessThanOrEqualTo(15_000);
        McpSchema.Tool snapshot = tools.tools().stream().filter(t -> t.name().equals("snapshot")).findFirst().orElseThrow();
        assertThat(snapshot.description()).contains("diagnose_hang");
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void aThousandThreadJvmSnapshotFitsTwelveKilobytesAndPagesTheRest(int feature) throws Exception {
        try (TestJdks.Target t = TestJdks.launch(TestJdks.require(feature), LockScenarios.class)
                .args("monitor", "juc", "idle=1000").start()) {
            McpSchema.CallToolResult r = server.call("snapshot", Map.of("pid", t.pid()));
            assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
            Map<String, Object> s = ToolResults.structured(r);
            System.out.println("JDK " + feature + " snapshot: " + modelBytes(r) + " bytes to the model");
            assertThat(modelBytes(r)).isLessThanOrEqualTo(12_000);
            assertThat((Integer) s.get("threads")).isGreaterThanOrEqualTo(1000);
            assertThat(ToolResults.list(s, "deadlocks")).hasSize(2);
            assertThat(Json.write(s)).doesNotContain("\"kernelState\"").doesNotContain("\"locksHeld\":[]")
                    .doesNotContain("Reference Handler").contains("jvmHousekeepingThreads");
            ViewParity.assertSameFacts(s, ToolResults.text(r));
            Object more = s.get("more");
            if (more instanceof Map<?, ?> m) {
                McpSchema.CallToolResult page = server.call("snapshot", Map.of("pid", t.pid(), "cursor", m.get("cursor")));
                assertThat(page.isError()).as(ToolResults.text(page)).isFalse();
                assertThat(modelBytes(page)).isLessThanOrEqualTo(12_000);
                assertThat(ToolResults.list(ToolResults.structured(page), "groups")).isNotEmpty();
                ViewParity.assertSameFacts(ToolResults.structured(page), ToolResults.text(page));
            }
            McpSchema.CallToolResult stale = server.call("snapshot", Map.of("pid", t.pid(), "cursor", "s999:3"));
            assertThat(stale.isError()).isTrue();
            assertThat(ToolResults.text(stale)).contains("without cursor");

            // Java results carry no Python-only fields, and no hashes, threads or timings by default.
            McpSchema.CallToolResult probe = server.call("inject_script", Map.of("pid", t.pid(), "language", "java",
                    "code", "out.println(\"hello from the probe\");", "timeout_s", 60));
            assertThat(probe.isError()).as(ToolResults.text(probe)).isFalse();
            Map<String, Object> p = ToolResults.structured(probe);
            assertThat(p).containsEntry("state", "completed")
                    .doesNotContainKeys("armedTids", "deliveredTid", "scriptTid", "sha256", "timings", "mode");
            assertThat((String) p.get("output")).contains("hello from the probe");
            ViewParity.assertSameFacts(p, ToolResults.text(probe));
        }
    }

    @Test
    void aThreeHundredThreadPythonSnapshotFitsEightKilobytesAndDiagnosticsFitTheProcess() throws Exception {
        String code;
        code = PythonProgram.of("view/many_threads.py").text();
        try (TestPythons.Target t = TestPythons.start("3.14", code)) {
            McpSchema.CallToolResult r = server.call("snapshot", Map.of("pid", t.pid(), "samples", 3, "interval_ms", 100));
            assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
            System.out.println("python snapshot: " + modelBytes(r) + " bytes to the model");
            assertThat(modelBytes(r)).isLessThanOrEqualTo(8_000);
            Map<String, Object> s = ToolResults.structured(r);
            assertThat((Integer) s.get("threads")).isGreaterThanOrEqualTo(300);
            ViewParity.assertSameFacts(s, ToolResults.text(r));

            McpSchema.CallToolResult list = server.call("list_diagnostics", Map.of("pid", t.pid()));
            System.out.println("list_diagnostics (pid): " + modelBytes(list) + " bytes to the model");
            assertThat(modelBytes(list)).isLessThanOrEqualTo(2_500);
            assertThat(Json.write(ToolResults.list(ToolResults.structured(list), "entries"))).doesNotContain("gevent");
            ViewParity.assertSameFacts(ToolResults.structured(list), ToolResults.text(list));

            McpSchema.CallToolResult ran = server.call("inject_script", Map.of("pid", t.pid(),
                    "code", "print('hello')", "timeout_s", 30));
            assertThat(ran.isError()).as(ToolResults.text(ran)).isFalse();
            Map<String, Object> v = ToolResults.structured(ran);
            System.out.println("inject_script: " + modelBytes(ran) + " bytes to the model");
            assertThat(v).containsEntry("state", "completed").doesNotContainKeys("sha256", "armedTids", "timings");
            ViewParity.assertSameFacts(v, ToolResults.text(ran));
            McpSchema.CallToolResult page = server.call("read_output", Map.of("injection_id", v.get("injectionId")));
            assertThat(ToolResults.structured(page)).containsEntry("complete", true).containsEntry("text", "hello\n");
            ViewParity.assertSameFacts(ToolResults.structured(page), ToolResults.text(page));

            McpSchema.CallToolResult ps = server.call("list_processes", Map.of("match", "many_threads|READY", "regex", true));
            ViewParity.assertSameFacts(ToolResults.structured(ps), ToolResults.text(ps));
            assertThat(Json.write(ToolResults.structured(ps))).doesNotContain("startTime").doesNotContain("\"uid\"");
            McpSchema.CallToolResult doctor = server.call("doctor", Map.of("pid", t.pid()));
            assertThat(ToolResults.structured(doctor)).containsEntry("canSnapshot", true);
            ViewParity.assertSameFacts(ToolResults.structured(doctor), ToolResults.text(doctor));

            McpSchema.CallToolResult detailed = server.call("inject_script", Map.of("pid", t.pid(),
                    "code", "print('hello')", "timeout_s", 30, "detail", true));
            assertThat(ToolResults.structured(detailed)).containsKeys("sha256", "armedTids", "timings");
        }
    }

    @Test
    void listDiagnosticsByDefaultFitsAndAGeventProcessIsOfferedTheGeventEntries() throws Exception {
        McpSchema.CallToolResult all = server.call("list_diagnostics", Map.of());
        System.out.println("list_diagnostics: " + modelBytes(all) + " bytes to the model");
        assertThat(modelBytes(all)).isLessThanOrEqualTo(2_500);
        try (TestPythons.Target t = TestPythons.start("3.14", PythonProgram.of("python/mcp/gevent_imported.py"))) {
            McpSchema.CallToolResult list = server.call("list_diagnostics", Map.of("pid", t.pid()));
            assertThat(list.isError()).as(ToolResults.text(list)).isFalse();
            List<Map<String, Object>> entries = ToolResults.list(ToolResults.structured(list), "entries");
            assertThat(entries).extracting(e -> e.get("id")).contains("py.gevent_greenlets", "py.gevent_patching");
        }
    }
}
