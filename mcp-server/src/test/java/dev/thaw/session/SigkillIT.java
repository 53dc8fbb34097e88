package dev.thaw.session;

import dev.thaw.replay.LogContents;
import dev.thaw.replay.LogReader;
import dev.thaw.replay.LogRecord;
import dev.thaw.replay.ReadProblem;
import dev.thaw.replay.ReplayBuilder;
import dev.thaw.replay.SessionReplay;
import dev.thaw.replay.TimelineEntry;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.ThawCli;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.jvm.IdleTarget;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the real server: during a tool call that waits for an approval, and at random moments
 * while several clients threads write records (large outputs in sidecars included). The log must
 * read back whole except at most a torn last line, and replay.
 */
class SigkillIT {

    static TestJdks.Target target;

    @BeforeAll
    static void startTarget() {
        target = TestJdks.launch(TestJdks.require(17), IdleTarget.class).args("sigkill-it").start();
    }

    @AfterAll
    static void stopTarget() {
        target.close();
    }

    private static void kill9(ThawServerProcess server) throws Exception {
        long pid = server.pid();
        Process kill = new ProcessBuilder("kill", "-9", String.valueOf(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h != null) {
            h.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    private static void assertWholeExceptTornTail(LogContents c) {
        assertThat(c.problems()).as("problems %s", c.problems())
                .allMatch(p -> p.kind() == ReadProblem.Kind.TORN_TAIL);
        assertThat(c.problems()).hasSizeLessThanOrEqualTo(1);
        long expected = 1;
        for (LogRecord r : c.records()) {
            assertThat(r.seq()).as("records are contiguous").isEqualTo(expected++);
        }
    }

    @Test
    void killedWhileAToolCallWaitsForApprovalTheCallAndItsScriptAreInTheLog() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        Path state = Files.createTempDirectory("thaw-sigkill");
        ThawServerProcess server = ThawServerProcess.builder().withTestExtensions().stateHome(state)
                .args("--approve", "always")
                .elicitation(req -> {
                    asked.countDown();
                    try {
                        Thread.sleep(60_000); // the person is away; the server dies meanwhile
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return McpSchema.ElicitResult.builder(McpSchema.ElicitResult.Action.DECLINE).build();
                })
                .requestTimeout(Duration.ofSeconds(90)).start();
        server.client().initialize();
        server.call("note", Map.of("kind", "hypothesis", "text", "before the kill"));
        String script = "print('the script the person was asked about')\n";
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.submit(() -> server.call("test_gate_probe", Map.of("pid", target.pid(), "code", script)));
        assertThat(asked.await(30, TimeUnit.SECONDS)).as("elicitation reached the client").isTrue();
        Path log = server.sessionLogs().get(0);

        kill9(server);
        pool.shutdownNow();

        LogContents c = LogReader.read(log);
        assertWholeExceptTornTail(c);
        List<String> types = c.records().stream().map(LogRecord::type).toList();
        assertThat(types).containsSubsequence("session_start", "note", "tool_call_started", "injection_queued");
        assertThat(types).doesNotContain("approval", "session_end");
        LogRecord queued = c.records().stream().filter(r -> r.type().equals("injection_queued")).findFirst().orElseThrow();
        assertThat(queued.f().str("script")).isEqualTo(script);
        assertThat(queued.f().str("sha256")).isEqualTo(Sha256.hex(script));

        SessionReplay r = ReplayBuilder.build(c);
        assertThat(r.calls()).filteredOn(TimelineEntry.Call::inFlight).singleElement()
                .satisfies(call -> assertThat(call.tool()).isEqualTo("test_gate_probe"));
        ThawCli.Result md = ThawCli.run(state, "replay", log.toString());
        assertThat(md.exit()).as(md.stderr()).isZero();
        assertThat(md.stdout()).contains("in flight when the log ends", "no orderly end recorded", "no decision recorded",
                "the script the person was asked about");
        server.close();
    }

    @Test
    void killedAtRandomMomentsUnderLoadTheLogReadsBackWhole() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path state = Files.createTempDirectory("thaw-sigkill-load");
            ThawServerProcess server = ThawServerProcess.builder().withTestExtensions().stateHome(state)
                    .args("--approve", "auto").start();
            server.client().initialize();
            AtomicInteger done = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            String big = "x".repeat(100_000); // outputs above 64 KiB go to sidecar files
            for (int t = 0; t < 4; t++) {
                int kind = t;
                pool.submit(() -> {
                    for (int i = 0; i < 10_000 && !Thread.currentThread().isInterrupted(); i++) {
                        try {
                            switch (kind) {
                                case 0 -> server.call("note", Map.of("kind", "finding", "text", "note " + i + " ✓"));
                                case 1 -> server.call("list_processes", Map.of("limit", 2));
                                case 2 -> server.call("test_gate_probe", Map.of("pid", target.pid(), "code", "print(" + i + ")",
                                        "output", big + i));
                                default -> server.call("test_gate_probe", Map.of("pid", target.pid(), "code", "pass",
                                        "output", "small " + i));
                            }
                            done.incrementAndGet();
                        } catch (RuntimeException e) {
                            return; // the server is gone
                        }
                    }
                });
            }
            // Kill once the load is really on (a slow machine needs longer), at a random moment after that.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (done.get() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(1_000));
            kill9(server);
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            assertThat(done.get()).as("calls completed before the kill").isGreaterThanOrEqualTo(20);

            Path log = server.sessionLogs().get(0);
            LogContents c = LogReader.read(log);
            assertWholeExceptTornTail(c);
            SessionReplay r = ReplayBuilder.build(c);
            // every sidecar a record names was on disk (and matched its hash) before the record
            assertThat(r.problems()).allMatch(p -> p.kind() == ReadProblem.Kind.TORN_TAIL);
            assertThat(r.injections()).isNotEmpty();
            List<String> leftovers = new ArrayList<>();
            try (var files = Files.list(log.getParent())) {
                files.filter(f -> f.getFileName().toString().endsWith(".tmp")).forEach(f -> leftovers.add(f.toString()));
            }
            // a kill between write and rename may leave one temp file; it is never referenced
            assertThat(leftovers).hasSizeLessThanOrEqualTo(1);
            server.close();
        }
    }
}
