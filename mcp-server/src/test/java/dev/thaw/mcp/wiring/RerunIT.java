package dev.thaw.mcp.wiring;

import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawCli;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code thaw replay --rerun} against real processes: a session diagnoses a lock-ordering deadlock with
 * two injected scripts; re-run against another unfixed process nothing changes, against the fixed
 * program the deadlock finding changes and the other does not.
 */
class RerunIT {

    /** FIXED=1 takes the locks in one order (the fix); otherwise the two workers deadlock. */
    static final String PROGRAM = PythonProgram.of("python/rerun/transfer_audit_deadlock.py").text();

    static final String WORKERS = """
            import sys, threading
            frames = sys._current_frames()
            for t in sorted(threading.enumerate(), key=lambda t: t.name):
                if t.name.endswith('-worker'):
                    f = frames.get(t.ident)
                    print(t.name, 'stuck in', f.f_code.co_name if f else '-')
            print('live workers:', sum(1 for t in threading.enumerate() if t.name.endswith('-worker')))
            """;

    static final String VERSION = "import sys\nprint('python', sys.version_info[:2])\n";

    @Test
    void aFixChangesTheDeadlockFindingAndNothingElse() throws Exception {
        Path state = Files.createTempDirectory("thaw-rerun-it");
        Path log;
        try (TestPythons.Target original = TestPythons.start("3.14", PROGRAM);
             ThawServerProcess server = ThawServerProcess.builder().stateHome(state).args("--approve", "auto").start()) {
            server.client().initialize();
            for (String code : new String[] {WORKERS, VERSION}) {
                McpSchema.CallToolResult r = server.call("inject_script", Map.of("pid", original.pid(), "code", code,
                        "timeout_s", 20));
                assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
            }
            log = server.sessionLogs().get(0);
        }
        assertThat(Files.readString(log)).contains("stuck in transfer", "stuck in audit");

        try (TestPythons.Target unfixed = TestPythons.start("3.14", PROGRAM)) {
            ThawCli.Result r = ThawCli.run(state, "replay", log.toString(), "--rerun", String.valueOf(unfixed.pid()),
                    "--approve", "auto");
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.stdout()).contains("No injection's output changed.").doesNotContain("CHANGED");
        }
        try (TestPythons.Target fixed = TestPythons.start("3.14", Map.of("FIXED", "1"), PROGRAM)) {
            ThawCli.Result r = ThawCli.run(state, "replay", log.toString(), "--rerun", String.valueOf(fixed.pid()),
                    "--approve", "auto");
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.stdout()).contains("1 injection(s) changed output.");
            String[] rows = r.stdout().lines().filter(l -> l.startsWith("| 1 |") || l.startsWith("| 2 |")).toArray(String[]::new);
            assertThat(rows[0]).contains("**CHANGED**", "live workers");
            assertThat(rows[1]).contains("**unchanged**");
        }
        // The re-runs are sessions of their own, naming the original.
        try (var files = Files.list(log.getParent())) {
            assertThat(files.filter(f -> f.toString().endsWith(".jsonl")).filter(f -> {
                try {
                    return Files.readString(f).contains("\"rerunOf\"");
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count()).isEqualTo(2);
        }
    }
}
