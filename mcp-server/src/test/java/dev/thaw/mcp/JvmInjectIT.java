package dev.thaw.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thaw.testing.TestJdks;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import dev.thaw.testing.jvm.ProbeTarget;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** inject_script with language "java" and read_output, through the real jar over stdio, on JDK 25. */
class JvmInjectIT {

    @Test
    void javaProbeOverStdio() throws Exception {
        try (TestJdks.Target t = TestJdks.start(TestJdks.require(25), ProbeTarget.class);
             ThawServerProcess server = ThawServerProcess.start("--approve", "auto")) {
            server.client().initialize();
            McpSchema.CallToolResult r = server.call("inject_script", Map.of("pid", t.pid(), "language", "java",
                    "code", "out.print(dev.thaw.testing.jvm.ProbeTarget.secret + \" \" + params.get(\"n\"));",
                    "params", Map.of("n", 7)));
            assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
            Map<String, Object> s = ToolResults.structured(r);
            assertThat(s).containsEntry("state", "completed").containsEntry("output", "hello from the target 7");
            assertThat(ToolResults.text(r)).contains("dynamic-agent warning");

            McpSchema.CallToolResult bad = server.call("inject_script", Map.of("pid", t.pid(), "language", "java",
                    "code", "int x = ;"));
            assertThat(ToolResults.structured(bad)).containsEntry("state", "failed");
            assertThat(ToolResults.text(bad)).contains("ThawProbe.java:1:");

            McpSchema.CallToolResult wrong = server.call("inject_script", Map.of("pid", t.pid(), "language", "python",
                    "code", "print(1)"));
            assertThat(wrong.isError()).isTrue();
            assertThat(ToolResults.text(wrong)).contains("is a HotSpot JVM", "nothing ran");

            McpSchema.CallToolResult page = server.call("read_output", Map.of("injection_id", s.get("injectionId")));
            assertThat(page.isError()).as(ToolResults.text(page)).isFalse();
            assertThat(ToolResults.structured(page)).containsEntry("text", "hello from the target 7");
        }
    }
}
