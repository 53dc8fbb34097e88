package dev.thaw.cli;

import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawCli;
import dev.thaw.testing.ThawCli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code thaw inject} through the real jar: the script's output on stdout, the exit status says how it ended. */
class InjectCliIT {

    @TempDir
    Path state;

    private Result thaw(String... args) throws IOException, InterruptedException {
        return ThawCli.run(state, args);
    }

    @Test
    void injectsFromAFileOrInlineCodeAndExitsWithTheOutcome() throws Exception {
        try (TestPythons.Target t = TestPythons.start("3.14", PythonProgram.of("python/inject/sleep_loop.py"))) {
            Path script = state.resolve("s.py");
            Files.writeString(script, "print('from file', params['n'] * 2, params['s'])\n");
            Result ok = thaw("inject", Integer.toString(t.pid()), "--file", script.toString(), "-p", "n=21", "-p", "s=hi");
            assertThat(ok.exit()).as(ok.stderr()).isZero();
            assertThat(ok.stdout()).isEqualTo("from file 42 hi\n");
            assertThat(ok.stderr()).contains("completed");

            Result failed = thaw("inject", Integer.toString(t.pid()), "--code", "1/0");
            assertThat(failed.exit()).isEqualTo(1);
            assertThat(failed.stderr()).contains("ZeroDivisionError").doesNotContain("at dev.thaw");

            Result slow = thaw("inject", Integer.toString(t.pid()), "--code", "import time\nprint('a')\ntime.sleep(5)",
                    "--timeout", "0.5");
            assertThat(slow.exit()).isEqualTo(2);
            assertThat(slow.stdout()).isEqualTo("a\n");
            assertThat(slow.stderr()).contains("timed_out");

            Result json = thaw("inject", Integer.toString(t.pid()), "--code", "print(1)", "--json");
            assertThat(json.exit()).isZero();
            assertThat(json.stdout()).contains("\"state\":\"completed\"").contains("\"output\":\"1\\n\"");
        }
        Result gone = thaw("inject", "999999999", "--code", "print(1)");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.stderr()).contains("does not exist");
    }
}
