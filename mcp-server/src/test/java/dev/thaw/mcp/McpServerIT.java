package dev.thaw.mcp;

import dev.thaw.BuildInfo;
import dev.thaw.Json;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The real jar over stdio with the SDK's client: protocol basics, tool definitions, bad arguments, the session log. */
class McpServerIT {

    static ThawServerProcess server;
    static McpSchema.InitializeResult init;

    @BeforeAll
    static void start() throws Exception {
        server = ThawServerProcess.start();
        init = server.client().initialize();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void identifiesItselfWithTheBuildVersion() {
        assertThat(init.serverInfo().name()).isEqualTo("thaw");
        assertThat(init.serverInfo().version()).isEqualTo(BuildInfo.version()).isNotEqualTo("unknown");
        assertThat(init.capabilities().tools()).isNotNull();
        assertThat(init.instructions()).contains("list_processes");
    }

    @Test
    void toolsAreAnnotatedAndDeclareTheirOutput() {
        List<McpSchema.Tool> tools = server.client().listTools().tools();
        assertThat(tools).extracting(McpSchema.Tool::name).contains("list_processes", "doctor");
        for (McpSchema.Tool t : tools) {
            assertThat(t.outputSchema()).as("outputSchema of %s", t.name()).isNotNull();
            assertThat(t.description()).as("description of %s", t.name()).hasSizeGreaterThan(40);
        }
        McpSchema.Tool list = tools.stream().filter(t -> t.name().equals("list_processes")).findFirst().orElseThrow();
        assertThat(list.annotations().readOnlyHint()).isTrue();
        assertThat(list.annotations().destructiveHint()).isFalse();
        McpSchema.Tool doctor = tools.stream().filter(t -> t.name().equals("doctor")).findFirst().orElseThrow();
        assertThat(doctor.annotations().readOnlyHint()).isTrue();
    }

    @Test
    void invalidArgumentsGetAToolErrorNamingTheArgument() {
        McpSchema.CallToolResult badEnum = server.call("list_processes", Map.of("runtime", "ruby"));
        assertThat(badEnum.isError()).isTrue();
        assertThat(ToolResults.text(badEnum)).contains("runtime");

        McpSchema.CallToolResult badLimit = server.call("list_processes", Map.of("limit", 0));
        assertThat(badLimit.isError()).isTrue();
        assertThat(ToolResults.text(badLimit)).contains("limit");

        McpSchema.CallToolResult badRegex = server.call("list_processes", Map.of("match", "([", "regex", true));
        assertThat(badRegex.isError()).isTrue();
        assertThat(ToolResults.text(badRegex)).contains("match").contains("regular expression").doesNotContain("at dev.thaw");

        McpSchema.CallToolResult unknownUser = server.call("list_processes", Map.of("user", "no-such-user-xyz"));
        assertThat(unknownUser.isError()).isTrue();
        assertThat(ToolResults.text(unknownUser)).contains("no-such-user-xyz");
    }

    @Test
    void everyCallIsInTheSessionLogWhichIsPrivate() throws Exception {
        server.call("list_processes", Map.of("runtime", "all", "limit", 3));
        List<Path> logs = server.sessionLogs();
        assertThat(logs).hasSize(1);
        Path log = logs.get(0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log.getParent()))).isEqualTo("rwx------");
        List<String> lines = Files.readAllLines(log);
        @SuppressWarnings("unchecked")
        Map<String, Object> first = Json.mapper().readValue(lines.get(0), Map.class);
        assertThat(first).containsEntry("type", "session_start").containsEntry("version", BuildInfo.version());
        boolean found = false;
        for (String line : lines) {
            @SuppressWarnings("unchecked")
            Map<String, Object> rec = Json.mapper().readValue(line, Map.class);
            assertThat(rec).containsKeys("v", "seq", "time", "type");
            if ("tool_call".equals(rec.get("type")) && "list_processes".equals(rec.get("tool"))
                    && Map.of("runtime", "all", "limit", 3).equals(rec.get("arguments"))) {
                assertThat(rec).containsKeys("summary", "durationMs");
                found = true;
            }
        }
        assertThat(found).as("the list_processes call is logged with its arguments").isTrue();
    }

    @Test
    void listingEverythingIsBoundedAndCounted() {
        McpSchema.CallToolResult r = server.call("list_processes", Map.of("runtime", "all", "limit", 2));
        assertThat(r.isError()).isFalse();
        Map<String, Object> s = ToolResults.structured(r);
        assertThat(ToolResults.list(s, "processes")).hasSize(2);
        assertThat((Integer) s.get("total")).isGreaterThan(2);
        assertThat((Integer) s.get("omitted")).isEqualTo((Integer) s.get("total") - 2);
        assertThat(ToolResults.text(r)).contains("more not shown");
    }
}
