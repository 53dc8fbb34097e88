package dev.thaw.python;

import dev.thaw.snapshot.Frame;
import dev.thaw.testing.PythonProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-checks of the stack reader on many target programs (python/stacks/*.py): ours must equal the
 * target's own sys._current_frames() exactly, and agree with CPython's RemoteUnwinder where that
 * is right (see {@link CrossCheck.Unwinder}).
 */
class PythonStackReaderTest {

    static final PythonProgram BLOCKED_IN_C = PythonProgram.of("python/stacks/blocked_in_c.py");

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void everyThreadBlockedInC(String version) throws Exception {
        CrossCheck.Result r = CrossCheck.run(version, Map.of(), BLOCKED_IN_C, CrossCheck.defaultFor(version));
        assertThat(r.ours()).hasSize(8);
        PyThreadStack main = r.threads().stream().filter(PyThreadStack::main).findFirst().orElseThrow();
        assertThat(main.tid()).isEqualTo(r.pid());
        assertThat(main.frames()).extracting(Frame::function).containsExactly("<module>");
        assertThat(main.frames().get(0).line()).isEqualTo(r.ran().line("main-waits"));
        assertThat(r.threads()).noneMatch(PyThreadStack::holdsGil);
        assertThat(r.interpreters().threadsMainNull()).isFalse();
    }

    @Test
    void remoteDebuggingDisabled() throws Exception {
        CrossCheck.Result r = CrossCheck.run("3.14", Map.of("PYTHON_DISABLE_REMOTE_DEBUG", "1"), BLOCKED_IN_C,
                CrossCheck.Unwinder.PREFIX);
        assertThat(r.ours()).hasSize(8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void mainThreadStateIsNullAfterMainReturned(String version) throws Exception {
        PythonProgram program = PythonProgram.of("python/stacks/main_returned.py");
        CrossCheck.Result r = CrossCheck.run(version, Map.of(), program, CrossCheck.defaultFor(version));
        assertThat(r.interpreters().threadsMainNull()).isTrue();
        assertThat(r.threads()).noneMatch(PyThreadStack::main);
        List<Frame> first = r.ours().get((long) r.pid());
        assertThat(first).extracting(Frame::function).containsExactly("_shutdown");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void subInterpreterAlive(String version) throws Exception {
        PythonProgram program = PythonProgram.of("python/stacks/sub_interpreter.py");
        // 3.14.10's RemoteUnwinder reads interpreters_head, the NEWEST interpreter: it sees none of these threads.
        CrossCheck.Result r = CrossCheck.run(version, Map.of(), program,
                version.equals("3.14") ? CrossCheck.Unwinder.IGNORE : CrossCheck.Unwinder.EXACT);
        assertThat(r.ours()).hasSize(2);
        assertThat(r.interpreters().subInterpreters()).isEqualTo(1);
        if (version.equals("3.14")) {
            assertThat(r.unwound().threads()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void recursionOfAThousandFrames(String version) throws Exception {
        PythonProgram program = PythonProgram.of("python/stacks/recursion_1000.py");
        CrossCheck.Result r = CrossCheck.run(version, Map.of(), program, CrossCheck.defaultFor(version));
        List<Frame> main = r.ours().get((long) r.pid());
        assertThat(main).hasSize(1004); // Condition.wait, Event.wait, 1001 x rec, <module>
        assertThat(main.stream().filter(f -> f.function().equals("rec"))).hasSize(1001);
    }

    @Test
    void fiveHundredThreads() throws Exception {
        PythonProgram program = PythonProgram.of("python/stacks/five_hundred_threads.py");
        CrossCheck.Result r = CrossCheck.run("3.14", Map.of(), program, CrossCheck.Unwinder.PREFIX);
        assertThat(r.ours()).hasSize(501);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void generatorsAndCoroutinesOnTheStack(String version) throws Exception {
        PythonProgram program = PythonProgram.of("python/stacks/generators_and_coroutines.py");
        CrossCheck.Result r = CrossCheck.run(version, Map.of(), program, CrossCheck.defaultFor(version));
        assertThat(r.ours().values()).anySatisfy(frames -> assertThat(frames).extracting(Frame::function)
                .startsWith("Condition.wait", "Event.wait", "gen", "sub", "gen_thread"));
        assertThat(r.ours().values()).anySatisfy(frames -> assertThat(frames).extracting(Frame::function)
                .startsWith("Condition.wait", "Event.wait", "inner", "outer"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void nonAsciiNamesOfEveryKind(String version) throws Exception {
        PythonProgram program = PythonProgram.of("python/stacks/non_ascii_names.py");
        // CPython 3.14's RemoteUnwinder garbles non-ASCII names (gh-149214): compared with the truth only.
        CrossCheck.Result r = CrossCheck.run(version, Map.of(), program, CrossCheck.Unwinder.IGNORE);
        List<Frame> all = r.ours().values().stream().flatMap(List::stream).toList();
        assertThat(all).contains(new Frame("fünf_é", "/tmp/thaw_ünï/latin_é.py", 2));
        assertThat(all).contains(new Frame("模块.方法", "/tmp/thaw_模/ucs2_π.py", 3));
        assertThat(all).contains(new Frame("\uD840\uDC00\uD840\uDC01", "/tmp/thaw_\uD83D\uDE00/ucs4_\uD83D\uDE00.py", 2));
    }
}
