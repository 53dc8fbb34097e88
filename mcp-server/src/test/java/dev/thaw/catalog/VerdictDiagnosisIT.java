package dev.thaw.catalog;

import dev.thaw.demo.Scenario;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end, one class of hang per row, through the real server over stdio as an assistant drives it:
 * the scenario of sample-deadlock-app, a snapshot, then the catalog diagnostic for it; the structured
 * {@code verdicts} of inject_script must name the class of hang and the root cause's subject, and the text
 * must carry the same verdict. Where {@code proposedBySnapshot} is true, the snapshot's findings propose that
 * diagnostic among their next calls (the others: the findings do not name it yet).
 */
class VerdictDiagnosisIT {

    static ThawServerProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        server = ThawServerProcess.builder().requestTimeout(Duration.ofSeconds(120)).start();
        server.client().initialize();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    /** A process in a known hang: its pid, ended on close. */
    interface Running extends AutoCloseable {
        int pid();

        @Override
        void close();
    }

    /**
     * A sample-deadlock-app scenario (Java when {@code script} is null), or with {@code target} a catalog test
     * target program (a .py of catalog-targets/python) and with {@code jvm-target} a Java 8 target class of
     * dev.thaw.testing.jvm on JDK 17.
     */
    private static Running start(String scenario, String script) throws Exception {
        if (scenario.equals("target")) {
            TestPythons.Target t = PythonCatalogIT.start("3.14", script.replace(".py", ""));
            return wrap(t.pid(), t::close);
        }
        if (scenario.equals("jvm-target")) {
            TestJdks.Target t = TestJdks.launch(TestJdks.require(17), Class.forName("dev.thaw.testing.jvm." + script))
                    .readyTimeout(Duration.ofSeconds(60)).start();
            return wrap(t.pid(), t::close);
        }
        Scenario s = script == null ? Scenario.startJava(scenario)
                : Scenario.startPython(TestPythons.require("3.14"), scenario, script);
        return wrap(s.pid(), s::close);
    }

    private static Running wrap(int pid, Runnable close) {
        return new Running() {
            @Override
            public int pid() {
                return pid;
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    @ParameterizedTest(name = "{0} {1}: {2} {3}")
    @CsvSource({
        "py-subprocess-pipe-deadlock, subprocess_pipe_deadlock.py, py.subprocesses,     pipe-deadlock,          report-export,   true",
        "py-thread-died-silently,     thread_died_silently.py,     py.threads,          swallowed-exception,    excepthook,      true",
        "py-thread-died-silently,     thread_died_silently.py,     py.lock_waiters,     nothing-will-put,       __main__.results, true",
        "py-pool-starvation,          pool_starvation.py,          py.thread_pools,     pool-starvation,        render-pool,     true",
        "py-asyncio-self-block,       asyncio_self_block.py,       py.asyncio_tasks,    loop-blocked-by-itself, handle_request,  true",
        "py-gevent-lost-wakeup,       gevent_lost_wakeup.py,       py.gevent_greenlets, nothing-will-complete,  fetch_report,    true",
        "java-monitor-lock-ordering,  ,                            jvm.deadlocks,       deadlock,               transfer-worker, true",
        "java-reentrantlock-ordering, ,                            jvm.deadlocks,       deadlock,               order-placer,    true",
        "java-pool-starvation,        ,                            jvm.executors,       pool-starvation,        report-worker-1, true",
        "java-latch-dead-counter,     ,                            jvm.synchronizers,   latch-never-counted-down, startup-coordinator, true",
        "java-class-init-deadlock,    ,                            jvm.deadlocks,       class-init-deadlock,    price-loader,    true",
        "target,                      verdict_hangs.py,            py.lock_waiters,     lost-wakeup,            __main__.report_ready, false",
        "target,                      verdict_hangs.py,            py.lock_waiters,     nothing-will-notify,    __main__.jobs_changed, false",
        "target,                      verdict_hangs.py,            py.lock_waiters,     nothing-will-set,       __main__.drained, false",
        "target,                      verdict_hangs.py,            py.lock_waiters,     nothing-will-release,   upload-worker,   false",
        "target,                      verdict_hangs.py,            py.lock_waiters,     join-cannot-finish,     __main__.batch_queue, false",
        "target,                      verdict_hangs.py,            py.asyncio_tasks,    unretrieved-exception,  event-consumer,  false",
        "target,                      locks.py,                    py.lock_waiters,     deadlock,               transfer-ab,     false",
        "target,                      gevent_worker.py,            py.gevent_patching,  captured-before-patching, __main__.legacy_pool, false",
        "jvm-target,                  SynchronizerHangs,           jvm.synchronizers,   leaked-permit,          upload-1,        true",
        "jvm-target,                  SynchronizerHangs,           jvm.synchronizers,   latch-never-counted-down, report-waiter, true",
        "jvm-target,                  SynchronizerHangs,           jvm.synchronizers,   nothing-will-complete,  quote-waiter,    true",
        "jvm-target,                  SynchronizerHangs,           jvm.threads,         swallowed-exception,    SynchronizerHangs, true",
    })
    void theDiagnosticConcludesTheClassOfHang(String scenario, String script, String diagnostic, String kind,
                                              String names, boolean proposedBySnapshot) throws Exception {
        if (script != null && script.startsWith("gevent")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(Scenario.canImport(TestPythons.require("3.14"), "gevent"),
                    "gevent is installed for python3.14");
        }
        try (Running s = start(scenario, script)) {
            McpSchema.CallToolResult snap = server.call("snapshot", Map.of("pid", s.pid()));
            assertThat(snap.isError()).as(ToolResults.text(snap)).isFalse();
            if (proposedBySnapshot) {
                // the snapshot's findings name this very diagnostic among their next calls
                assertThat(dev.thaw.Json.write(ToolResults.structured(snap))).as(ToolResults.text(snap))
                        .contains("\"diagnostic\":\"" + diagnostic + "\"");
            }
            McpSchema.CallToolResult r = server.call("inject_script", Map.of("pid", s.pid(), "diagnostic", diagnostic,
                    "timeout_s", 60));
            assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
            Map<String, Object> out = ToolResults.structured(r);
            assertThat(out).as(ToolResults.text(r)).containsEntry("state", "completed");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> verdicts = (List<Map<String, Object>>) out.get("verdicts");
            assertThat(verdicts).as(ToolResults.text(r)).isNotNull()
                    .anySatisfy(v -> {
                        assertThat(v).containsEntry("kind", kind);
                        assertThat(String.valueOf(v.get("conclusion")) + v.get("evidence") + v.get("subject"))
                                .contains(names);
                        assertThat((String) v.get("fix")).isNotBlank();
                    });
            assertThat(ToolResults.text(r)).contains(kind.toUpperCase(java.util.Locale.ROOT) + ": ");
        }
    }
}
