package dev.thaw.cli;

import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawCli;
import dev.thaw.testing.ThawCli.Result;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A target whose thread names, command line and output hold terminal escape sequences: the CLI shows
 * them escaped and never writes a control character (other than newline and tab) to the terminal.
 */
class HostileTextCliIT {

    /** OSC 0 (retitle the window), CSI 2J (clear the screen), a CR that would overwrite the line, a C1 CSI. */
    private static final String TARGET = PythonProgram.of("python/cli/hostile_thread_name.py").text();

    @Test
    void threadNamesCommandLinesAndScriptOutputAreEscaped() throws Exception {
        Path state = Files.createTempDirectory("thaw-hostile-cli");
        try (TestPythons.Target py = TestPythons.start("3.14", TARGET)) {
            String pid = Integer.toString(py.pid());
            Result stacks = ThawCli.run(state, "stacks", pid);
            assertThat(stacks.exit()).as(stacks.stderr()).isZero();
            // the kernel keeps 15 bytes of a thread name
            assertThat(stacks.stdout()).contains("\"t\\u001b]0;owned\\u0007\\u001b[2J\"");
            assertNoControls(stacks);

            Result ps = ThawCli.run(state, "ps", "--all");
            assertNoControls(ps);

            Result json = ThawCli.run(state, "stacks", "--json", pid);
            assertThat(json.exit()).isZero();
            assertNoControls(json);
            assertThat(dev.thaw.Json.mapper().readTree(json.stdout()).path("pid").asInt()).isEqualTo(py.pid());

            Result inject = ThawCli.run(state, "inject", pid, "--code", "print('out\\x1b[31mred\\x1b]52;c;AAAA\\x07')");
            assertThat(inject.exit()).as(inject.stderr()).isZero();
            assertThat(inject.stdout()).contains("out\\u001b[31mred\\u001b]52;c;AAAA\\u0007");
            assertNoControls(inject);
        }
    }

    private static void assertNoControls(Result r) {
        for (String text : new String[] {r.stdout(), r.stderr()}) {
            assertThat(text.codePoints().filter(c -> TerminalSafeStream.unsafe(c))).as(text).isEmpty();
        }
    }
}
