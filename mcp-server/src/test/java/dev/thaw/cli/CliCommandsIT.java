package dev.thaw.cli;

import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawCli;
import dev.thaw.testing.ThawCli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code thaw stacks} and {@code thaw diagnostics} / {@code inject --diagnostic} through the real jar. */
class CliCommandsIT {

    @TempDir
    Path state;

    private static final String PYTHON_TARGET = PythonProgram.of("python/cli/inbox_poller.py").text();

    @Test
    void stacksPrintsTheWholeTextForPythonAndJvmTargets() throws Exception {
        try (TestPythons.Target py = TestPythons.start("3.14", PYTHON_TARGET)) {
            Result r = ThawCli.run(state, "stacks", Integer.toString(py.pid()));
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.stdout()).contains("cpython 3.14", "inbox-poller", "poll_inbox").doesNotContain("Exception");
        }
        try (TestJdks.Target jvm = TestJdks.start(TestJdks.require(17), dev.thaw.testing.jvm.ProbeTarget.class)) {
            Result r = ThawCli.run(state, "stacks", Long.toString(jvm.pid()));
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.stdout()).contains("hotspot", "main").doesNotContain("(no Python frames)", "Exception");
        }
    }

    @Test
    void diagnosticsAreListedShownAndRunFromTheCommandLine() throws Exception {
        Result list = ThawCli.run(state, "diagnostics", "-r", "cpython");
        assertThat(list.exit()).isZero();
        assertThat(list.stdout()).contains("py.thread_stacks").doesNotContain("jvm.deadlocks");
        Result show = ThawCli.run(state, "diagnostics", "--show", "py.thread_stacks");
        assertThat(show.stdout()).startsWith("# thaw-diagnostic\n");
        Result unknown = ThawCli.run(state, "diagnostics", "--show", "py.nope");
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.stderr()).contains("py.nope", "list_diagnostics").doesNotContain("at dev.thaw");

        try (TestPythons.Target py = TestPythons.start("3.14", PYTHON_TARGET)) {
            Result run = ThawCli.run(state, "inject", Integer.toString(py.pid()), "--diagnostic", "py.thread_stacks",
                    "-p", "thread=inbox-poller", "-p", "locals=true");
            assertThat(run.exit()).as(run.stderr()).isZero();
            assertThat(run.stdout()).contains("Thread inbox-poller", "poll_inbox", "token = ***").doesNotContain("s3cret");
            Result bad = ThawCli.run(state, "inject", Integer.toString(py.pid()), "--diagnostic", "py.thread_stacks", "-p", "max_frames=0");
            assertThat(bad.exit()).isNotZero();
            assertThat(bad.stderr()).contains("max_frames").doesNotContain("at dev.thaw");
        }
    }
}
