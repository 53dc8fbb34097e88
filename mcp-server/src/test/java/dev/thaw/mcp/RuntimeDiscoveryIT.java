package dev.thaw.mcp;

import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import dev.thaw.testing.jvm.IdleTarget;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: the real jar, the SDK's stdio client, and real targets — CPython 3.14 and 3.13 from the
 * sid root (another root than ours), a 3.14 with remote debugging disabled, JDK 17 and JDK 25 JVMs.
 * Each must be found with its runtime and exact version, as the target itself reports it.
 */
class RuntimeDiscoveryIT {

    /** Prints the exact version as the interpreter knows it, then idles. */
    static final String PY_IDLE = PythonProgram.of("python/mcp/prints_version_then_idles.py").text();

    static final String MARKER = "thaw-it-" + UUID.randomUUID();

    static TestPythons.Target py314;
    static TestPythons.Target py313;
    static TestPythons.Target py314NoRemote;
    static TestJdks.Target jdk17;
    static TestJdks.Target jdk25;
    static ThawServerProcess server;

    @BeforeAll
    static void startTargets() throws Exception {
        String code = PY_IDLE.formatted(MARKER);
        py314 = TestPythons.start("3.14", code);
        py313 = TestPythons.start("3.13", code);
        py314NoRemote = TestPythons.start("3.14", Map.of("PYTHON_DISABLE_REMOTE_DEBUG", "1"), code);
        jdk17 = TestJdks.launch(TestJdks.require(17), IdleTarget.class).args(MARKER).start();
        jdk25 = TestJdks.launch(TestJdks.require(25), IdleTarget.class).args(MARKER).start();
        server = ThawServerProcess.start();
        server.client().initialize();
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {server, py314, py313, py314NoRemote, jdk17, jdk25}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void findsEveryTargetWithItsRuntimeAndExactVersion() {
        McpSchema.CallToolResult r = server.call("list_processes", Map.of("match", MARKER));
        assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
        List<Map<String, Object>> procs = ToolResults.list(ToolResults.structured(r), "processes");

        Map<String, Object> p314 = byPid(procs, py314.pid());
        assertThat(runtime(p314)).containsEntry("kind", "cpython")
                .containsEntry("version", py314.readyLine().split(" ")[1])
                .containsEntry("freeThreaded", false);
        assertThat(p314).containsEntry("attachable", true);
        assertThat((String) p314.get("container")).as("the sid root is another root").contains("own root (chroot)");

        Map<String, Object> p313 = byPid(procs, py313.pid());
        assertThat(runtime(p313)).containsEntry("kind", "cpython").containsEntry("version", py313.readyLine().split(" ")[1]);
        assertThat(runtime(p313).get("version").toString()).startsWith("3.13.");
        assertThat(p313).containsEntry("attachable", false);
        assertThat((String) p313.get("reason")).contains("3.13").contains("3.14");

        Map<String, Object> j17 = byPid(procs, jdk17.pid());
        assertThat(runtime(j17)).containsEntry("kind", "hotspot").containsEntry("version", jdk17.ready("version"));
        assertThat(jdk17.ready("version")).startsWith("17.");
        assertThat(j17).containsEntry("attachable", true);

        Map<String, Object> j25 = byPid(procs, jdk25.pid());
        assertThat(runtime(j25)).containsEntry("kind", "hotspot").containsEntry("version", jdk25.ready("version"));
        assertThat(jdk25.ready("version")).startsWith("25");

        String text = ToolResults.text(r);
        assertThat(text).contains("cpython " + py314.readyLine().split(" ")[1]).contains("hotspot " + jdk17.ready("version"));
    }

    @Test
    void runtimeFilterKeepsOneRuntime() {
        List<Map<String, Object>> jvms = ToolResults.list(ToolResults.structured(
                server.call("list_processes", Map.of("match", MARKER, "runtime", "hotspot"))), "processes");
        assertThat(jvms).extracting(p -> p.get("pid")).containsExactlyInAnyOrder(jdk17.pid(), jdk25.pid());
        List<Map<String, Object>> pythons = ToolResults.list(ToolResults.structured(
                server.call("list_processes", Map.of("match", MARKER, "runtime", "cpython"))), "processes");
        assertThat(pythons).extracting(p -> p.get("pid"))
                .containsExactlyInAnyOrder(py314.pid(), py313.pid(), py314NoRemote.pid());
    }

    @Test
    void doctorExplainsDisabledRemoteDebugging() {
        McpSchema.CallToolResult r = server.call("doctor", Map.of("pid", py314NoRemote.pid()));
        assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
        Map<String, Object> report = ToolResults.structured(r);
        assertThat(report).containsEntry("canSnapshot", true).containsEntry("canInject", false);
        Map<String, Object> remote = ToolResults.list(report, "targetChecks").stream()
                .filter(c -> c.get("id").equals("remote_debug")).findFirst().orElseThrow();
        assertThat(remote).containsEntry("status", "fail");
        assertThat((String) remote.get("detail")).contains("PYTHON_DISABLE_REMOTE_DEBUG");
        assertThat((String) remote.get("fix")).contains("restart");
        assertThat(ToolResults.text(r)).contains("remote_debug").contains("PYTHON_DISABLE_REMOTE_DEBUG");

        Map<String, Object> healthy = ToolResults.structured(server.call("doctor", Map.of("pid", py314.pid())));
        assertThat(healthy).containsEntry("canSnapshot", true).containsEntry("canInject", true);
    }

    @Test
    void doctorOnJvmsAndOnOldPython() {
        Map<String, Object> jvm = ToolResults.structured(server.call("doctor", Map.of("pid", jdk25.pid())));
        assertThat(jvm).containsEntry("canSnapshot", true);
        assertThat(ToolResults.list(jvm, "targetChecks")).extracting(c -> c.get("id"))
                .contains("attach_mechanism", "attach_credentials", "dynamic_agent_loading");

        Map<String, Object> old = ToolResults.structured(server.call("doctor", Map.of("pid", py313.pid())));
        assertThat(old).containsEntry("canSnapshot", false).containsEntry("canInject", false);
        assertThat((String) old.get("verdict")).contains(Integer.toString(py313.pid()));
    }

    @Test
    void doctorOnAMissingPidIsAToolErrorWithTheFix() {
        McpSchema.CallToolResult r = server.call("doctor", Map.of("pid", 2_000_000_000));
        assertThat(r.isError()).isTrue();
        assertThat(ToolResults.text(r)).contains("does not exist").contains("list_processes").doesNotContain("Exception");
    }

    private static Map<String, Object> byPid(List<Map<String, Object>> procs, int pid) {
        return procs.stream().filter(p -> ((Number) p.get("pid")).intValue() == pid).findFirst()
                .orElseThrow(() -> new AssertionError("pid " + pid + " not listed in " + procs));
    }

    private static Map<String, Object> runtime(Map<String, Object> p) {
        return ToolResults.map(p, "runtime");
    }
}
