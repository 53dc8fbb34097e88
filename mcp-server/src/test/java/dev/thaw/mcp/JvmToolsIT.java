package dev.thaw.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thaw.testing.TestJdks;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import dev.thaw.testing.jvm.ProbeTarget;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** jvm_diagnostic through the real jar over stdio, against a real JDK 25 JVM. */
class JvmToolsIT {

    @Test
    void jvmDiagnosticOverStdio() throws Exception {
        try (TestJdks.Target t = TestJdks.start(TestJdks.require(25), ProbeTarget.class);
             ThawServerProcess server = ThawServerProcess.start()) {
            server.client().initialize();
            McpSchema.Tool tool = server.client().listTools().tools().stream()
                    .filter(x -> x.name().equals("jvm_diagnostic")).findFirst().orElseThrow();
            assertThat(tool.annotations().readOnlyHint()).isTrue();
            assertThat(tool.description()).contains("live=true").contains("full stop-the-world GC");

            McpSchema.CallToolResult r = server.call("jvm_diagnostic",
                    Map.of("pid", t.pid(), "command", "class_histogram", "top", 3));
            assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
            Map<String, Object> hist = ToolResults.map(ToolResults.structured(r), "histogram");
            assertThat((List<?>) hist.get("top")).hasSize(3);
            assertThat(ToolResults.text(r)).contains("top 3 by bytes");
            dev.thaw.mcp.view.ViewParity.assertSameFacts(ToolResults.structured(r), ToolResults.text(r));

            McpSchema.CallToolResult bad = server.call("jvm_diagnostic", Map.of("pid", t.pid(), "command", "vm_flags",
                    "live", true));
            assertThat(bad.isError()).isTrue();
            assertThat(ToolResults.text(bad)).contains("live applies to class_histogram").doesNotContain("at dev.thaw");
            assertThat(t.stderr()).isEmpty(); // agent-less: no JEP 451 warning
        }
    }
}
