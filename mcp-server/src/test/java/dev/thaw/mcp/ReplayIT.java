package dev.thaw.mcp;

import dev.thaw.testing.Chromium;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawCli;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real diagnosis session against a real hung Python 3.14 process (the lock-ordering scenario),
 * recorded by the real server, then replayed by the real CLI to Markdown and to HTML, and the HTML
 * rendered in headless Chromium.
 */
class ReplayIT {

    static TestPythons.Target hung;
    static Path state;
    static Path log;

    @BeforeAll
    static void recordASession() throws Exception {
        String code;
        code = PythonProgram.of("scenarios/python/lock_ordering.py").text();
        hung = TestPythons.start("3.14", code);
        int pid = (int) hung.pid();
        state = Files.createTempDirectory("thaw-replay-it");
        ThawServerProcess server = ThawServerProcess.builder().withTestExtensions().stateHome(state)
                .elicitation(req -> req.message().contains("os._exit")
                        ? McpSchema.ElicitResult.builder(McpSchema.ElicitResult.Action.DECLINE).build()
                        : McpSchema.ElicitResult.builder(McpSchema.ElicitResult.Action.ACCEPT).content(Map.of("confirm", true)).build())
                .start();
        server.client().initialize();
        server.client().getPrompt(McpSchema.GetPromptRequest.builder("diagnose_hang").arguments(Map.of("pid", String.valueOf(pid))).build());
        assertThat(server.call("list_processes", Map.of("match", "py-lock-ordering")).isError()).isFalse();
        assertThat(server.call("doctor", Map.of("pid", pid)).isError()).isFalse();
        McpSchema.CallToolResult snap = server.call("snapshot", Map.of("pid", pid, "samples", 3, "interval_ms", 100));
        assertThat(snap.isError()).as(ToolResults.text(snap)).isFalse();
        server.call("note", Map.of("kind", "hypothesis", "text", "transfer-worker and audit-worker take accounts_lock and ledger_lock in opposite orders."));
        McpSchema.CallToolResult ran = server.call("test_gate_probe", Map.of("pid", pid, "hypothesis", "see which thread holds which lock",
                "code", "import threading\nfor t in threading.enumerate():\n    print(t.name)\n",
                "output", "MainThread\ntransfer-worker\naudit-worker\n"));
        assertThat(ran.isError()).as(ToolResults.text(ran)).isFalse();
        McpSchema.CallToolResult declined = server.call("test_gate_probe", Map.of("pid", pid, "code", "import os; os._exit(3)\n"));
        assertThat(declined.isError()).isTrue();
        server.call("note", Map.of("kind", "finding", "text", "Both workers are blocked; the main thread joins them."));
        server.call("note", Map.of("kind", "conclusion", "text", "Lock-ordering deadlock: always take accounts_lock before ledger_lock."));
        log = server.sessionLogs().get(0);
        server.close(); // SIGTERM: the shutdown hook writes session_end
    }

    @AfterAll
    static void stop() {
        if (hung != null) {
            hung.close();
        }
    }

    @Test
    void replayPrintsAMarkdownPostmortem() throws Exception {
        String name = log.getFileName().toString().replace(".jsonl", "");
        ThawCli.Result r = ThawCli.run(state, "replay", name);
        assertThat(r.exit()).as(r.stderr()).isZero();
        String md = r.stdout();
        assertThat(md).contains("# thaw session " + log.getFileName().toString().replace(".jsonl", ""),
                "- **Client:** thaw-it 1.0 (supports elicitation)", "- **Approval policy:** `custom`",
                "## Timeline", "call `list_processes`", "call `doctor`",
                "## Hypotheses, findings and conclusions", "### Hypotheses", "opposite orders", "### Findings", "### Conclusions",
                "## Injections", "<details><summary>Script (", "the user confirmed", "the user declined",
                "transfer-worker\naudit-worker", "cpython 3.14", "py-lock-ordering", "Script (3 lines", "## Snapshots",
                "call `snapshot`", "see snapshot 1", "### Snapshot 1: pid " + hung.pid() + " (cpython 3.14", "3 samples",
                "**Stuck threads** (same stack in every sample)", "transfer-worker #", "audit-worker #", "transfer (",
                "audit (", "lock_wait", "**Wait-for graph:**");
        assertThat(md).doesNotContain("## What could not be read", "no orderly end recorded");
        assertThat(ThawCli.run(state, "replay", log.toString()).stdout()).isEqualTo(md);
    }

    @Test
    void replayWritesAPrivateSelfContainedHtmlPageThatChromiumRenders() throws Exception {
        Path html = state.resolve("report.html");
        ThawCli.Result r = ThawCli.run(state, "replay", log.toString(), "--html", html.toString());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("Wrote " + html);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(html))).isEqualTo("rw-------");
        String page = Files.readString(html);
        assertThat(page).doesNotContain("<script", "<link", "src=\"http", "url(http");

        String dom = Chromium.dumpDom(html);
        assertThat(dom).contains("<section id=\"timeline\">", "<section id=\"notes\">", "<section id=\"injections\">",
                "<section id=\"snapshots\">", "<details class=\"script\">", "opposite orders", "transfer-worker",
                "<article class=\"snapshot\" id=\"snapshot-1\">", "<table class=\"stuck\">", "href=\"#snapshot-1\"");
        assertThat(dom.split("<tr class=\"call\">", -1).length - 1).as("call rows").isGreaterThanOrEqualTo(4);
        Path png = state.resolve("report.png");
        Chromium.screenshot(html, png);
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }

    @Test
    void rerunRefusesTheVeryProcessTheSessionDiagnosedBeforeRecordingAnything() throws Exception {
        long logs = logCount();
        ThawCli.Result r = ThawCli.run(state, "replay", log.toString(), "--rerun", String.valueOf(hung.pid()));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("very process the session diagnosed", "Fix:", "new process")
                .doesNotContain("at dev.thaw", "Exception");
        assertThat(logCount()).isEqualTo(logs);
    }

    @Test
    void rerunAgainstAProcessOfAnotherRuntimeSkipsEveryInjection() throws Exception {
        // With the injection engine in the build, --rerun runs; a JVM cannot run the session's Python scripts.
        ThawCli.Result r = ThawCli.run(state, "replay", log.toString(), "--rerun", String.valueOf(ProcessHandle.current().pid()));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("# thaw re-run", "skipped", "runs hotspot", "No injection's output changed.");
    }

    private static long logCount() throws java.io.IOException {
        try (var files = Files.list(log.getParent())) {
            return files.filter(f -> f.toString().endsWith(".jsonl")).count();
        }
    }

    @Test
    void aMissingLogIsAClearError() throws Exception {
        ThawCli.Result r = ThawCli.run(state, "replay", "no-such-session");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("No session log 'no-such-session'", "latest").doesNotContain("at dev.thaw");
    }
}
