package dev.thaw.mcp;

import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server run as an unprivileged user (nobody, no capabilities) next to a root-owned Python
 * target: /proc entries it may not read must give a listing with the reason and a doctor report that
 * names the rule and the fix — never an exception. Needs root to switch users (CI runs as root).
 */
class UnprivilegedIT {

    @Test
    void anotherUsersProcessIsListedWithTheReasonAndDoctorNamesTheRule() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to start the server as nobody");
        String marker = "thaw-unpriv-" + UUID.randomUUID();
        try (TestPythons.Target target = TestPythons.start("3.14",
                "import time\nprint('READY', flush=True)\ntime.sleep(600)\n# " + marker)) {
            Path dir = Files.createTempDirectory("thaw-unpriv");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path jar = Files.copy(ThawServerProcess.jar(), dir.resolve("thaw.jar"), StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ServerParameters params = ServerParameters.builder("setpriv")
                    .args("--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", java, "-jar", jar.toString(), "serve")
                    .addEnvVar("XDG_STATE_HOME", dir.toString())
                    .addEnvVar("HOME", dir.toString())
                    .build();
            StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
            transport.setStdErrorHandler(line -> { });
            try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build()) {
                client.initialize();
                McpSchema.CallToolResult list = client.callTool(McpSchema.CallToolRequest.builder("list_processes")
                        .arguments(Map.of("match", marker)).build());
                assertThat(list.isError()).as(ToolResults.text(list)).isFalse();
                List<Map<String, Object>> procs = ToolResults.list(ToolResults.structured(list), "processes");
                assertThat(procs).hasSize(1);
                Map<String, Object> p = procs.get(0);
                assertThat(p).containsEntry("pid", target.pid()).containsEntry("attachable", false).containsEntry("user", "root");
                assertThat((String) p.get("reason")).contains("permission denied").contains("root");
                assertThat(ToolResults.map(p, "runtime")).containsEntry("kind", "cpython").doesNotContainKey("version");

                McpSchema.CallToolResult doctor = client.callTool(McpSchema.CallToolRequest.builder("doctor")
                        .arguments(Map.of("pid", target.pid())).build());
                assertThat(doctor.isError()).as(ToolResults.text(doctor)).isFalse();
                Map<String, Object> report = ToolResults.structured(doctor);
                assertThat(report).containsEntry("canSnapshot", false).containsEntry("canInject", false);
                Map<String, Object> access = ToolResults.list(report, "targetChecks").stream()
                        .filter(c -> c.get("id").equals("memory_access")).findFirst().orElseThrow();
                assertThat(access).containsEntry("status", "fail");
                assertThat((String) access.get("detail")).contains("uid 0").contains("65534");
                assertThat((String) access.get("fix")).contains("root");
                assertThat(ToolResults.list(report, "environment")).anySatisfy(c ->
                        assertThat(c).containsEntry("id", "cap_sys_ptrace").containsEntry("status", "info"));
            }
        }
    }
}
