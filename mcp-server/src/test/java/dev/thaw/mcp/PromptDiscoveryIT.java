package dev.thaw.mcp;

import dev.thaw.testing.ThawServerProcess;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An assistant finds the diagnose_hang prompt without being told: the server instructions and the
 * tools it starts with name it, and a wrong prompt name is answered with the names that exist.
 */
class PromptDiscoveryIT {

    @Test
    void instructionsAndFirstToolsNameThePromptAndAWrongNameIsTaughtTheRightOnes() throws Exception {
        try (ThawServerProcess server = ThawServerProcess.start()) {
            McpSchema.InitializeResult init = server.client().initialize();
            assertThat(init.instructions()).contains("diagnose_hang");
            for (McpSchema.Tool t : server.client().listTools().tools()) {
                if (t.name().equals("snapshot") || t.name().equals("list_processes")) {
                    assertThat(t.description()).as(t.name()).contains("diagnose_hang");
                }
            }
            Throwable wrong = catchThrowable(() -> server.client().getPrompt(
                    new McpSchema.GetPromptRequest("diagnose", Map.of("pid", "1"))));
            assertThat(wrong).isInstanceOf(McpError.class);
            assertThat(wrong.getMessage()).contains("Unknown prompt", "diagnose_hang");

            McpSchema.GetPromptResult right = server.client().getPrompt(
                    new McpSchema.GetPromptRequest("diagnose_hang", Map.of("pid", String.valueOf(ProcessHandle.current().pid()))));
            assertThat(right.messages()).isNotEmpty();
        }
    }
}
