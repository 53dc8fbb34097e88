package dev.thaw.testing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The marker lookup the tests' line assertions stand on. */
class PythonProgramTest {

    @Test
    void aMarkerIsTheOneBasedLineThatEndsWithIt() {
        PythonProgram p = new PythonProgram("t.py", "import threading\nlock.acquire()  # THAW-MARK main-waits\nx = 1\n");
        assertThat(p.line("main-waits")).isEqualTo(2);
        assertThat(p.lineCount()).isEqualTo(3);
        assertThatThrownBy(() -> p.line("waits")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t.py");
    }

    @Test
    void afterAPreludeTheMarkerIsWhereTheTargetRunsIt() {
        PythonProgram program = PythonProgram.of("python/stacks/blocked_in_c.py");
        PythonProgram prelude = PythonProgram.of("python/stacks/truth_prelude.py");
        PythonProgram ran = program.after(prelude);
        List<String> lines = ran.text().lines().toList();
        assertThat(lines.get(ran.line("main-waits") - 1)).startsWith("main_lock.acquire()");
        assertThat(ran.line("main-waits")).isEqualTo(prelude.lineCount() + program.line("main-waits"));
    }

    @Test
    void aMissingResourceIsNamed() {
        assertThatThrownBy(() -> PythonProgram.of("python/nope.py")).hasMessageContaining("python/nope.py");
    }
}
