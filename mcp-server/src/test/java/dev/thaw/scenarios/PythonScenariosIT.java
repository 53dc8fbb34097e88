package dev.thaw.scenarios;

import dev.thaw.demo.Scenario;
import dev.thaw.inject.ArmedThread;
import dev.thaw.inject.InjectionResult;
import dev.thaw.jvm.JvmProbe;
import dev.thaw.proc.ProcFs;
import dev.thaw.process.SnapshotService;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.testing.AnswerKeys;
import dev.thaw.demo.AnswerKey;
import dev.thaw.testing.TestInjections;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Python scenario of sample-deadlock-app, started 3 times as the demo starts it: it must hang
 * (print its pid line) within 2 s, and thaw must find what its answer key names where the key says it
 * shows. Snapshot facts (OS threads, frames) come from an in-process snapshot of 3 samples; facts only
 * a diagnostic sees (greenlets, asyncio tasks, queued work items) come from a script injected with the
 * real injection service. A key that says the process is not injectable (every thread waits in C
 * without timeout) must see the injection reported undelivered, with the blocked threads and their
 * stacks in the pending report: that is what thaw answers there, and why the snapshot comes first.
 */
class PythonScenariosIT {

    static final int RUNS = 3;
    static final Duration HANG_WITHIN = Duration.ofSeconds(2);
    static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * A read-only diagnostic in the spirit of the catalog's (greenlets with their stacks, asyncio tasks
     * with theirs, executor work items that never started), printing one JSON object.
     */
    static final String DIAGNOSTIC = """
            import gc, json, sys
            out = {"greenlets": [], "tasks": [], "work_items": []}
            objects = gc.get_objects()
            def stack(f):
                names = []
                while f is not None:
                    names.append(f.f_code.co_qualname)
                    f = f.f_back
                return names
            if "greenlet" in sys.modules:
                import greenlet
                for g in objects:
                    if isinstance(g, greenlet.greenlet) and not g.dead:
                        out["greenlets"].append({"name": getattr(g, "name", None) or type(g).__name__,
                                                 "stack": stack(g.gr_frame)})
            if "asyncio" in sys.modules:
                import asyncio
                for loop in [o for o in objects if isinstance(o, asyncio.AbstractEventLoop)]:
                    if not loop.is_closed():
                        for t in asyncio.all_tasks(loop):
                            out["tasks"].append({"name": t.get_name(), "coro": t.get_coro().__qualname__,
                                                 "stack": [f.f_code.co_qualname for f in t.get_stack()]})
            if "concurrent.futures.thread" in sys.modules:
                from concurrent.futures import thread as cft
                for w in objects:
                    if isinstance(w, cft._WorkItem) and w.future._state == "PENDING":
                        fn = w.task[0] if hasattr(w, "task") else w.fn
                        out["work_items"].append({"fn": getattr(fn, "__qualname__", repr(fn))})
            print(json.dumps(out))
            """;

    static Path python;
    static SnapshotService snapshots;
    static TestInjections injections;

    @BeforeAll
    static void start() {
        python = TestPythons.require("3.14");
        snapshots = new SnapshotService(ProcFs.system(), new JvmProbe(ProcFs.system()));
        injections = new TestInjections();
    }

    @AfterAll
    static void stop() {
        if (injections != null) {
            injections.close();
        }
    }

    static Stream<Arguments> runs() {
        return AnswerKeys.python().values().stream()
                .flatMap(k -> IntStream.rangeClosed(1, RUNS).mapToObj(run -> Arguments.of(k, run)));
    }

    @ParameterizedTest(name = "{0} run {1}")
    @MethodSource("runs")
    void hangsWithinTwoSecondsAndThawShowsTheAnswerKey(AnswerKey key, int run) {
        long t0 = System.nanoTime();
        try (Scenario s = Scenario.startPython(python, key.scenario(), key.script())) {
            long readyMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("%s run %d: pid line %d ms after start%n", key.scenario(), run, readyMs);
            assertThat(Duration.ofMillis(readyMs)).as(key + ": time to the pid line").isLessThan(HANG_WITHIN);

            Snapshot snap = snapshots.snapshot(s.pid(), SnapshotRequest.of(3, 100, null, null));
            String text = SnapshotRenderer.text(snap);
            System.out.println(text);
            assertSnapshotShowsTheKey(key, snap, text);
            scenarioSpecifics(key, snap, text);

            if (key.injectable()) {
                assertDiagnosticsShowTheKey(key, s.pid());
            } else {
                assertInjectionIsReportedUndelivered(key, s.pid());
            }
        }
    }

    /** The key's snapshot facts: its threads, stuck in a wait in every sample, with its frames on their stacks. */
    static void assertSnapshotShowsTheKey(AnswerKey key, Snapshot snap, String text) {
        assertThat(snap.runtime()).isEqualTo("cpython");
        assertThat(snap.runtimeVersion()).startsWith("3.14.");
        List<StackGroup> root = new ArrayList<>();
        if (key.visible("threads", "snapshot")) {
            for (String name : key.threads()) {
                StackGroup g = snap.groups().stream()
                        .filter(x -> x.threads().stream().anyMatch(t -> name.equals(t.name()))).findFirst()
                        .orElseThrow(() -> new AssertionError(key + ": no thread named " + name + " in\n" + text));
                ThreadSnapshot t = g.threads().stream().filter(x -> name.equals(x.name())).findFirst().orElseThrow();
                assertThat(t.stuck()).as(key + ": " + name + " has the same stack in all samples\n" + text).isTrue();
                assertThat(t.state()).as(key + ": " + name + " waits\n" + text).isNotEqualTo("running");
                root.add(g);
            }
            assertThat(text).contains(key.threads());
        }
        if (key.visible("frames", "snapshot")) {
            Set<String> functions = new LinkedHashSet<>();
            root.forEach(g -> g.frames().forEach(f -> functions.add(f.function())));
            assertThat(functions).as(key + ": functions on the root-cause threads' stacks\n" + text)
                    .containsAll(key.frames());
        }
        if (key.visible("locks", "source")) {
            // The script runs with -c: its frames say <string>, and their lines are the script's lines.
            String[] lines = AnswerKeys.resource(AnswerKeys.RESOURCE_DIR + "python/" + key.script()).orElseThrow()
                    .split("\n", -1);
            List<String> pointedAt = root.stream().flatMap(g -> g.frames().stream())
                    .filter(f -> "<string>".equals(f.file()) && f.line() != null && f.line() >= 1
                            && f.line() <= lines.length)
                    .map(f -> lines[f.line() - 1].strip()).toList();
            for (String lock : key.locks()) {
                assertThat(pointedAt).as(key + ": source lines the root-cause frames point at name " + lock)
                        .anyMatch(l -> l.contains(lock));
            }
        }
    }

    /** What else makes each scenario what it is, in the snapshot. */
    static void scenarioSpecifics(AnswerKey key, Snapshot snap, String text) {
        switch (key.scenario()) {
            case "py-gevent-threadpool" -> {
                // The whole point: one OS thread, the main (hub's) thread, blocked in C under the pool worker.
                assertThat(snap.totalThreads()).as(text).isEqualTo(1);
                ThreadSnapshot t = snap.groups().get(0).threads().get(0);
                assertThat(t.main()).isTrue();
                assertThat(t.state()).isEqualTo("lock_wait");
                assertThat(t.syscall()).isEqualTo("futex");
                Frame top = snap.groups().get(0).frames().get(0);
                assertThat(top.function()).isEqualTo("_worker");
                assertThat(top.file()).endsWith("/concurrent/futures/thread.py");
            }
            case "py-gevent-lost-wakeup" -> {
                // The hub idles between timers; the renderer thread is gone; the stuck task is not on any stack.
                assertThat(snap.totalThreads()).as(text).isEqualTo(1);
                StackGroup hub = snap.groups().get(0);
                assertThat(hub.threads().get(0).main()).isTrue();
                assertThat(hub.threads().get(0).syscall()).as(text).isEqualTo("epoll_wait");
                assertThat(hub.frames().get(0).function()).isEqualTo("Hub.run");
                // The stuck task is on no thread's stack, but the greenlets read from memory show it suspended.
                assertThat(text).contains("fetch_report").doesNotContain("pdf-renderer");
            }
            case "py-asyncio-self-block", "py-pool-starvation" -> {
                StackGroup g = snap.groups().stream()
                        .filter(x -> key.threads().contains(x.threads().get(0).name())).findFirst().orElseThrow();
                assertThat(g.frames().get(0).function()).as(text).isEqualTo("Condition.wait");
                assertThat(g.threads()).allSatisfy(t -> assertThat(t.state()).isEqualTo("lock_wait"));
                if (key.scenario().equals("py-pool-starvation")) {
                    assertThat(g.count()).as("both workers share one stack").isEqualTo(2);
                }
            }
            default -> {
            }
        }
    }

    /** Greenlets, tasks, queued work items and the frames a diagnostic shows, from a real injected script. */
    static void assertDiagnosticsShowTheKey(AnswerKey key, int pid) {
        InjectionResult r = injections.inject(pid, DIAGNOSTIC, Duration.ofSeconds(20));
        assertThat(r.state()).as(key + ": " + r).isEqualTo("completed");
        JsonNode out = JSON.readTree(r.output());
        System.out.println(key + " diagnostic: " + out);
        Set<String> diagnosticFrames = new LinkedHashSet<>();
        if (key.visible("greenlets", "diagnostics")) {
            for (String name : key.greenlets()) {
                JsonNode g = find(out.get("greenlets"), "name", name, key);
                assertThat(g.get("stack").isEmpty()).as(key + ": greenlet " + name + " is suspended in Python code")
                        .isFalse();
                g.get("stack").forEach(f -> diagnosticFrames.add(f.asString()));
            }
        }
        if (key.visible("tasks", "diagnostics")) {
            for (String name : key.tasks()) {
                JsonNode t = find(out.get("tasks"), "name", name, key);
                assertThat(t.get("coro").asString()).as(key + ": task " + name + " runs the coroutine of its name")
                        .isEqualTo(name);
                t.get("stack").forEach(f -> diagnosticFrames.add(f.asString()));
            }
        }
        if (key.visible("work_items", "diagnostics")) {
            for (String fn : key.workItems()) {
                find(out.get("work_items"), "fn", fn, key);
            }
        }
        if (key.visible("frames", "diagnostics")) {
            assertThat(diagnosticFrames).as(key + ": frames of the key's greenlets and tasks").containsAll(key.frames());
        }
    }

    static JsonNode find(JsonNode array, String field, String value, AnswerKey key) {
        for (JsonNode n : array) {
            if (value.equals(n.path(field).asString())) {
                return n;
            }
        }
        throw new AssertionError(key + ": no " + field + "=" + value + " in " + array);
    }

    /** Every thread waits in C without timeout: the injection is undeliverable at once, and the report says on what. */
    static void assertInjectionIsReportedUndelivered(AnswerKey key, int pid) {
        InjectionResult r = injections.inject(pid, "print('ran')", Duration.ofSeconds(2));
        assertThat(r.state()).as(key + ": " + r).isEqualTo("undeliverable");
        assertThat(r.delivered()).isFalse();
        assertThat(r.output()).isEmpty();
        assertThat(r.pending()).as(key + ": a pending report").isNotNull();
        List<ArmedThread> armed = r.pending().threads();
        System.out.println(key + " injection: " + r.state() + ", delivered " + r.delivered() + "; " + r.pending());
        assertThat(armed).isNotEmpty();
        assertThat(armed).allSatisfy(a -> {
            assertThat(a.syscall()).isIn("futex", "wait4"); // a lock, or (py-pipe-deadlock) a child that never exits
            assertThat(a.waitKind()).isEqualTo("unbounded");
        });
        assertThat(r.pending().summary()).as(r.pending().toString()).isNotBlank();
        assertThat(r.pending().advice()).as(key + ": removed, never runs").anyMatch(n -> n.contains("will never run"));
        // the report already names the key's threads and frames: the blocked threads' stacks, read from memory
        assertThat(armed.stream().map(ArmedThread::name).toList()).as(r.pending().toString()).containsAll(key.threads());
        Set<String> functions = new LinkedHashSet<>();
        armed.forEach(a -> a.frames().forEach(f -> functions.add(f.contains(" (") ? f.substring(0, f.indexOf(" (")) : f)));
        assertThat(functions).as(r.pending().toString()).containsAll(key.frames());
        if (key.scenario().equals("py-gevent-threadpool")) {
            assertThat(armed).singleElement().satisfies(a -> {
                assertThat(a.main()).isTrue();
                assertThat(a.frames().get(0)).startsWith("_worker (").contains("/concurrent/futures/thread.py:");
            });
        }
    }
}
