package dev.thaw.mcp;

import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** stdout is the protocol: a thread spraying System.out.println must not corrupt it. */
class StdoutGuardIT {

    @Test
    void strayPrintlnGoesToStderrNotIntoTheProtocol() throws Exception {
        Path state = Files.createTempDirectory("thaw-guard");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = ThawServerProcess.jar() + ":" + System.getProperty("thaw.testClasses");
        ServerParameters params = ServerParameters.builder(java)
                .args("-cp", cp, "dev.thaw.testing.StrayOutputServer")
                .addEnvVar("XDG_STATE_HOME", state.toString())
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        List<String> stderr = Collections.synchronizedList(new ArrayList<>());
        transport.setStdErrorHandler(stderr::add);
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build()) {
            client.initialize();
            for (int i = 0; i < 20; i++) {
                McpSchema.CallToolResult r = client.callTool(McpSchema.CallToolRequest.builder("doctor").arguments(Map.of()).build());
                assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
                Thread.sleep(10);
            }
            assertThat(client.listTools().tools()).isNotEmpty();
        }
        assertThat(stderr).anyMatch(l -> l.contains("stray output from a library thread"));
    }
}
