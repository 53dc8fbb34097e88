package dev.thaw.cli;

import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code thaw inject} through the real jar: the script's output on stdout, the exit status says how it ended. */
class InjectCliIT {

    @TempDir
    Path state;

    record Run(int exit, String out, String err) {
    }

    private Run thaw(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ThawServerProcess.jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("XDG_STATE_HOME", state.toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void injectsFromAFileOrInlineCodeAndExitsWithTheOutcome() throws Exception {
        try (TestPythons.Target t = TestPythons.start("3.14", "import time\nprint('ready', flush=True)\nwhile True: time.sleep(0.01)")) {
            Path script = state.resolve("s.py");
            Files.writeString(script, "print('from file', params['n'] * 2, params['s'])\n");
            Run ok = thaw("inject", Integer.toString(t.pid()), "--file", script.toString(), "-p", "n=21", "-p", "s=hi");
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(ok.out()).isEqualTo("from file 42 hi\n");
            assertThat(ok.err()).contains("completed");

            Run failed = thaw("inject", Integer.toString(t.pid()), "--code", "1/0");
            assertThat(failed.exit()).isEqualTo(1);
            assertThat(failed.err()).contains("ZeroDivisionError").doesNotContain("at dev.thaw");

            Run slow = thaw("inject", Integer.toString(t.pid()), "--code", "import time\nprint('a')\ntime.sleep(5)",
                    "--timeout", "0.5");
            assertThat(slow.exit()).isEqualTo(2);
            assertThat(slow.out()).isEqualTo("a\n");
            assertThat(slow.err()).contains("timed_out");

            Run json = thaw("inject", Integer.toString(t.pid()), "--code", "print(1)", "--json");
            assertThat(json.exit()).isZero();
            assertThat(json.out()).contains("\"state\":\"completed\"").contains("\"output\":\"1\\n\"");
        }
        Run gone = thaw("inject", "999999999", "--code", "print(1)");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("does not exist");
    }
}
