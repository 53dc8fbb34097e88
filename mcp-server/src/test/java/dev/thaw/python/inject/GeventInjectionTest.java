package dev.thaw.python.inject;

import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gevent monkey-patched 3.14 process (gevent 25.9 is installed for 3.14 only): the script runs on
 * a real OS thread (not a greenlet: the original _thread primitives), sees the greenlets, and the
 * hub keeps serving them meanwhile.
 */
class GeventInjectionTest {

    static Injections injections;

    static final String TARGET = PythonProgram.of("python/inject/gevent_workers.py").text();

    @BeforeAll
    static void start() {
        injections = new Injections();
    }

    @AfterAll
    static void stop() {
        injections.close();
    }

    @Test
    void theScriptRunsOnARealThreadAndSeesTheGreenlets() {
        try (TestPythons.Target t = TestPythons.start("3.14", TARGET)) {
            PythonInjectionBadInputTest.assertHeartbeat(t);
            InjectionResult r = injections.inject(t.pid(), """
                    import gc, os, time, threading, greenlet, gevent
                    from gevent import monkey
                    real_tid = monkey.get_original('_thread', 'get_native_id')()
                    mine = [g for g in gc.get_objects() if isinstance(g, gevent.Greenlet)]
                    time.sleep(0.05)   # monkey-patched: gevent.sleep on this thread's own hub
                    print(len(mine), real_tid != os.getpid(), monkey.is_module_patched('threading'))
                    """, Duration.ofSeconds(10));
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            assertThat(r.output()).isEqualTo("8 True True\n");
            assertThat(r.scriptTid()).isNotEqualTo((long) t.pid());
            // The hub kept running the application's greenlets.
            PythonInjectionBadInputTest.assertHeartbeat(t);
            assertThat(t.stderr()).isEmpty();
        }
    }

    @Test
    void inlineModeRunsInsideTheHubsThread() {
        try (TestPythons.Target t = TestPythons.start("3.14", TARGET)) {
            PythonInjectionBadInputTest.assertHeartbeat(t);
            InjectionResult r = injections.inject(t.pid(), """
                    import os, greenlet
                    print(greenlet.getcurrent() is not None, os.getpid())
                    """, ThreadChoice.MAIN, InjectionMode.INLINE, Duration.ofSeconds(10));
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            assertThat(r.output()).isEqualTo("True " + t.pid() + "\n");
            assertThat(r.scriptTid()).isEqualTo((long) t.pid());
            PythonInjectionBadInputTest.assertHeartbeat(t);
        }
    }
}
