package dev.thaw.python;

import dev.thaw.snapshot.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-checks of the stack reader on many target programs (issue 3): ours must equal the
 * target's own sys._current_frames() exactly, and agree with CPython's RemoteUnwinder where that
 * is right (see {@link CrossCheck.Unwinder}).
 */
class PythonStackReaderTest {

    static final String BLOCKED_IN_C = String.join("\n",
            "import threading, time, socket, select, queue, os",
            "lock = threading.Lock(); lock.acquire()",
            "ev = threading.Event()",
            "a, b = socket.socketpair()",
            "r, w = os.pipe()",
            "q = queue.Queue()",
            "def in_lock(): lock.acquire()",
            "def in_event(): ev.wait()",
            "def in_sleep(): time.sleep(1000)",
            "def in_recv(): a.recv(10)",
            "def in_select(): select.select([b], [], [], 1000)",
            "def in_queue(): q.get()",
            "def in_read(): os.read(r, 1)",
            "for f in (in_lock, in_event, in_sleep, in_recv, in_select, in_queue, in_read):",
            "    threading.Thread(target=f, name=f.__name__, daemon=True).start()",
            "_thaw_truth()",
            "main_lock = threading.Lock(); main_lock.acquire()",
            "main_lock.acquire()",
            "");

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void everyThreadBlockedInC(String version) throws Exception {
        CrossCheck.Result r = CrossCheck.run(version, Map.of(), BLOCKED_IN_C, CrossCheck.defaultFor(version));
        assertThat(r.ours()).hasSize(8);
        PyThreadStack main = r.threads().stream().filter(PyThreadStack::main).findFirst().orElseThrow();
        assertThat(main.tid()).isEqualTo(r.pid());
        assertThat(main.frames()).extracting(Frame::function).containsExactly("<module>");
        int preludeLines = StackOracle.TRUTH_PRELUDE.split("\n").length;
        assertThat(main.frames().get(0).line()).isEqualTo(preludeLines + 18);
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
        String program = String.join("\n",
                "import threading",
                "ev = threading.Event()",
                "def worker(): ev.wait()",
                "threading.Thread(target=worker, name='worker').start()",
                "_thaw_truth(0.6)",
                "");
        CrossCheck.Result r = CrossCheck.run(version, Map.of(), program, CrossCheck.defaultFor(version));
        assertThat(r.interpreters().threadsMainNull()).isTrue();
        assertThat(r.threads()).noneMatch(PyThreadStack::main);
        List<Frame> first = r.ours().get((long) r.pid());
        assertThat(first).extracting(Frame::function).containsExactly("_shutdown");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void subInterpreterAlive(String version) throws Exception {
        String program = String.join("\n",
                "from concurrent import interpreters",
                "import threading",
                "interp = interpreters.create()",
                "interp.exec('x = 1')",
                "ev = threading.Event()",
                "def worker(): ev.wait()",
                "threading.Thread(target=worker, name='worker', daemon=True).start()",
                "_thaw_truth()",
                "ev.wait()",
                "");
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
        String program = String.join("\n",
                "import sys, threading",
                "sys.setrecursionlimit(5000)",
                "ev = threading.Event()",
                "def rec(n):",
                "    if n == 0:",
                "        _thaw_truth()",
                "        ev.wait()",
                "        return",
                "    rec(n - 1)",
                "rec(1000)",
                "");
        CrossCheck.Result r = CrossCheck.run(version, Map.of(), program, CrossCheck.defaultFor(version));
        List<Frame> main = r.ours().get((long) r.pid());
        assertThat(main).hasSize(1004); // Condition.wait, Event.wait, 1001 x rec, <module>
        assertThat(main.stream().filter(f -> f.function().equals("rec"))).hasSize(1001);
    }

    @Test
    void fiveHundredThreads() throws Exception {
        String program = String.join("\n",
                "import threading",
                "ev = threading.Event()",
                "def work(i): ev.wait()",
                "for i in range(500):",
                "    threading.Thread(target=work, args=(i,), daemon=True).start()",
                "_thaw_truth(1.0)",
                "ev.wait()",
                "");
        CrossCheck.Result r = CrossCheck.run("3.14", Map.of(), program, CrossCheck.Unwinder.PREFIX);
        assertThat(r.ours()).hasSize(501);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void generatorsAndCoroutinesOnTheStack(String version) throws Exception {
        String program = String.join("\n",
                "import threading, asyncio",
                "ev = threading.Event()",
                "def gen():",
                "    yield 1",
                "    ev.wait()",
                "    yield 2",
                "def sub():",
                "    yield from gen()",
                "def gen_thread():",
                "    g = sub(); next(g); next(g)",
                "async def inner():",
                "    ev.wait()",
                "async def outer():",
                "    await inner()",
                "def coro_thread():",
                "    asyncio.run(outer())",
                "threading.Thread(target=gen_thread, name='gen', daemon=True).start()",
                "threading.Thread(target=coro_thread, name='coro', daemon=True).start()",
                "_thaw_truth()",
                "ev.wait()",
                "");
        CrossCheck.Result r = CrossCheck.run(version, Map.of(), program, CrossCheck.defaultFor(version));
        assertThat(r.ours().values()).anySatisfy(frames -> assertThat(frames).extracting(Frame::function)
                .startsWith("Condition.wait", "Event.wait", "gen", "sub", "gen_thread"));
        assertThat(r.ours().values()).anySatisfy(frames -> assertThat(frames).extracting(Frame::function)
                .startsWith("Condition.wait", "Event.wait", "inner", "outer"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void nonAsciiNamesOfEveryKind(String version) throws Exception {
        // The program is ASCII (escapes): the names exist only at run time, whatever the locale.
        String program = String.join("\n",
                "import threading",
                "ev = threading.Event()",
                "ns = {'ev': ev}",
                "exec(compile('def f\\u00fcnf_\\u00e9():\\n    ev.wait()\\n', '/tmp/thaw_\\u00fcn\\u00ef/latin_\\u00e9.py', 'exec'), ns)",
                "exec(compile('class \\u6a21\\u5757:\\n    def \\u65b9\\u6cd5(self):\\n        ev.wait()\\n', '/tmp/thaw_\\u6a21/ucs2_\\u03c0.py', 'exec'), ns)",
                "exec(compile('def \\U00020000\\U00020001():\\n    ev.wait()\\n', '/tmp/thaw_\\U0001f600/ucs4_\\U0001f600.py', 'exec'), ns)",
                "threading.Thread(target=ns['f\\u00fcnf_\\u00e9'], daemon=True).start()",
                "threading.Thread(target=getattr(ns['\\u6a21\\u5757'](), '\\u65b9\\u6cd5'), daemon=True).start()",
                "threading.Thread(target=ns['\\U00020000\\U00020001'], daemon=True).start()",
                "_thaw_truth()",
                "ev.wait()",
                "");
        // CPython 3.14's RemoteUnwinder garbles non-ASCII names (gh-149214): compared with the truth only.
        CrossCheck.Result r = CrossCheck.run(version, Map.of(), program, CrossCheck.Unwinder.IGNORE);
        List<Frame> all = r.ours().values().stream().flatMap(List::stream).toList();
        assertThat(all).contains(new Frame("fünf_é", "/tmp/thaw_ünï/latin_é.py", 2));
        assertThat(all).contains(new Frame("模块.方法", "/tmp/thaw_模/ucs2_π.py", 3));
        assertThat(all).contains(new Frame("\uD840\uDC00\uD840\uDC01", "/tmp/thaw_\uD83D\uDE00/ucs4_\uD83D\uDE00.py", 2));
    }
}
