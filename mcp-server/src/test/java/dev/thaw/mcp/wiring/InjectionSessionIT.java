package dev.thaw.mcp.wiring;

import dev.thaw.replay.LogReader;
import dev.thaw.replay.ReplayBuilder;
import dev.thaw.replay.SessionReplay;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawCli;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * inject_script (the real engine, a real Python 3.14 target) through the session: write-ahead record,
 * approval by elicitation (accepted, declined), status changes and output in the log, and the replay.
 */
class InjectionSessionIT {

    static final String TARGET = PythonProgram.of("python/inject/sleep_loop.py").text();

    @Test
    void anAcceptedScriptRunsAndEverythingIsRecordedADeclinedOneNeverRuns() throws Exception {
        List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();
        Path state = Files.createTempDirectory("thaw-inject-session");
        try (TestPythons.Target t = TestPythons.start("3.14", TARGET);
             ThawServerProcess server = ThawServerProcess.builder().stateHome(state).elicitation(req -> {
                 asked.add(req);
                 return req.message().contains("DECLINE-ME")
                         ? McpSchema.ElicitResult.builder(McpSchema.ElicitResult.Action.DECLINE).build()
                         : McpSchema.ElicitResult.builder(McpSchema.ElicitResult.Action.ACCEPT).content(Map.of("confirm", true)).build();
             }).start()) {
            server.client().initialize();
            String code = "import threading\nprint(sorted(t.name for t in threading.enumerate()))\n";
            McpSchema.CallToolResult ok = server.call("inject_script", Map.of("pid", t.pid(), "code", code,
                    "hypothesis", "list threads", "timeout_s", 20));
            assertThat(ok.isError()).as(ToolResults.text(ok)).isFalse();
            assertThat(ToolResults.structured(ok)).containsEntry("state", "completed");
            assertThat(asked).singleElement().satisfies(a -> assertThat(a.message()).contains("pid " + t.pid(),
                    "cpython 3.14", code.trim()));

            McpSchema.CallToolResult no = server.call("inject_script", Map.of("pid", t.pid(),
                    "code", "print('DECLINE-ME')\n", "timeout_s", 20));
            assertThat(no.isError()).isTrue();
            assertThat(ToolResults.text(no)).contains("declined", "was not injected");

            Path log = server.sessionLogs().get(0);
            SessionReplay r = ReplayBuilder.build(LogReader.read(log));
            assertThat(r.problems()).isEmpty();
            assertThat(r.injections()).hasSize(2);
            var first = r.injections().get(0);
            assertThat(first.hashMatches()).isTrue();
            assertThat(first.target().startTime()).isNotNull();
            assertThat(first.target().command()).contains("python3.14");
            assertThat(first.decision().how()).isEqualTo("user_accepted");
            assertThat(first.statuses()).extracting(s -> s.status()).contains("delivered", "completed");
            assertThat(new String(first.output().data())).contains("MainThread");
            var second = r.injections().get(1);
            assertThat(second.decision().approved()).isFalse();
            assertThat(second.statuses()).extracting(s -> s.status()).doesNotContain("delivered", "running", "completed");

            ThawCli.Result md = ThawCli.run(state, "replay", log.toString());
            assertThat(md.stdout()).contains("the user confirmed", "the user declined", "MainThread", "delivered");
        }
    }
}
