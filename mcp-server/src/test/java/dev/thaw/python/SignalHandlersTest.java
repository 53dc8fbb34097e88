package dev.thaw.python;

import dev.thaw.proc.ProcFs;
import dev.thaw.testing.PythonProgram;
import dev.thaw.python.inject.Pep768Writer;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Signal handlers read from a real target's memory, checked against its own signal.getsignal. */
class SignalHandlersTest {

    static final String TARGET = PythonProgram.of("python/signals/handlers_of_every_kind.py").text();

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void readsWhatSignalGetsignalAnswers(String version) {
        try (TestPythons.Target t = TestPythons.start(version, TARGET)) {
            ProcFs proc = ProcFs.system();
            try (Pep768Writer w = Pep768Writer.open(proc, t.pid())) {
                SignalHandlers.Table table = SignalHandlers.read(w.memory(), w.offsets(),
                        w.runtime(), w.caches()).orElseThrow();
                Map<Integer, SignalHandlers.Handler> h = table.handlers();
                assertThat(table.wakeupFd()).isEqualTo(-1);
                for (String pair : t.readyLine().split(";")) {
                    int sig = Integer.parseInt(pair.substring(0, pair.indexOf('=')));
                    String expected = pair.substring(pair.indexOf('=') + 1);
                    SignalHandlers.Handler got = h.get(sig);
                    switch (expected) {
                        case "Handlers.SIG_DFL" -> assertThat(got.kind()).as(pair).isEqualTo(SignalHandlers.Kind.DEFAULT);
                        case "Handlers.SIG_IGN" -> assertThat(got.kind()).as(pair).isEqualTo(SignalHandlers.Kind.IGNORE);
                        case "None" -> assertThat(got.kind()).as(pair).isEqualTo(SignalHandlers.Kind.NOT_PYTHON);
                        default -> assertThat(got.name()).as(pair + " " + got)
                                .startsWith(expected.startsWith("_signal.") ? expected.substring(1) : expected);
                    }
                }
                assertThat(h.get(1).kind()).isEqualTo(SignalHandlers.Kind.CALLABLE);
                // SIGINT is compared above with what the target says: a target started in the background
                // by a non-interactive shell inherits SIGINT ignored, and Python then keeps SIG_IGN.
                assertThat(h.get(10)).isEqualTo(new SignalHandlers.Handler(10, SignalHandlers.Kind.NO_OP, "__main__.ignore_it"));
                assertThat(h.get(15)).isEqualTo(new SignalHandlers.Handler(15, SignalHandlers.Kind.NO_OP,
                        "__main__.Worker.on_term (a bound method)"));
            }
        }
    }
}
