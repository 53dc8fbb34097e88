package dev.thaw.catalog;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.OutputPage;
import dev.thaw.inject.Verdict;
import dev.thaw.inject.Verdicts;
import dev.thaw.inject.ProgressSink;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.proc.ProcFs;
import dev.thaw.python.inject.PythonInjector;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Python catalog entry, run through the real injection path against a live CPython target that
 * sets up the state the entry must reveal (targets: {@code src/test/resources/catalog-targets/python/}).
 * The assertions name the specific things a person debugging would look for — the waiting thread and
 * the lock's variable name, the greenlet's function and the Event it waits on, the task and its await
 * chain, the queued work item — not merely that the script completed. Non-gevent entries run on 3.14
 * and 3.15 (gevent is installed for 3.14 only). One test goes through the MCP server
 * ({@code list_diagnostics}, {@code inject_script {diagnostic}}); the others use the in-process
 * {@link InjectionService}. A churn target checks that no entry fails while everything it reads changes.
 */
class PythonCatalogIT {

    /** The Python entries this class tests: a new entry without a test here fails the build. */
    static final Set<String> COVERED = Set.of("py.thread_stacks", "py.gevent_greenlets", "py.asyncio_tasks",
            "py.thread_pools", "py.futures", "py.lock_waiters", "py.gc_stats", "py.tracemalloc_top",
            "py.tracemalloc_start", "py.open_files", "py.gevent_patching", "py.subprocesses", "py.threads");

    /** Generous: the machine is shared and some entries sample for a few hundred ms. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    static Path journal;
    static InjectionService service;

    @BeforeAll
    static void start() throws IOException {
        ProcFs proc = ProcFs.system();
        journal = Files.createTempDirectory("thaw-catalog-journal");
        service = InjectionService.start(proc, List.of(new PythonInjector(proc)), new InjectionDirs(proc, journal));
    }

    @AfterAll
    static void stop() throws IOException {
        if (service != null) {
            service.close();
        }
        try (Stream<Path> s = Files.walk(journal)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // ---- the catalog and this test agree ----

    @Test
    void everyPythonEntryIsCoveredHere() {
        Set<String> ids = Catalog.system().entries(CatalogEntry.CPYTHON).stream().map(CatalogEntry::id)
                .collect(Collectors.toSet());
        assertThat(ids).as("Python catalog ids vs the ones PythonCatalogIT covers").isEqualTo(COVERED);
    }

    @Test
    void entryMetadataSaysWhatEachNeedsAndDoes() {
        Catalog c = Catalog.system();
        assertThat(c.require("py.tracemalloc_start").mutating()).isTrue();
        assertThat(COVERED).filteredOn(id -> !id.equals("py.tracemalloc_start"))
                .allSatisfy(id -> assertThat(c.require(id).mutating()).as(id).isFalse());
        assertThat(c.require("py.gevent_greenlets").requires()).isEqualTo("gevent");
        assertThat(c.require("py.gevent_patching").requires()).isEqualTo("gevent");
        // Every declared parameter has a default (the script reads params[...] directly), except filters.
        for (String id : COVERED) {
            Map<String, Object> resolved = CatalogParams.resolve(c.require(id), Map.of());
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) c.require(id).params().getOrDefault("properties", Map.of());
            assertThat(resolved.keySet()).as(id).containsAll(props.keySet().stream()
                    .filter(k -> !(id.equals("py.thread_stacks") && k.equals("thread"))).toList());
        }
    }

    // ---- locks, conditions, events, semaphores, queues, joins; thread stacks ----

    @ParameterizedTest(name = "python{0}")
    @ValueSource(strings = {"3.14", "3.15"})
    void lockWaitersNameTheWaiterTheLockVariableAndTheLikelyHolder(String version) {
        try (TestPythons.Target t = start(version, "locks")) {
            String out = run(t, "py.lock_waiters", Map.of());
            assertThat(out)
                    .contains("Thread stock-updater")
                    .contains("waits to enter `with inventory_lock:` (Lock, locked) at update_stock (<string>:"
                            + line("locks", "    with inventory_lock:\n        pass") + ")")
                    .contains("owner: not recorded by CPython")
                    .contains("likely holder (in a with-block of this lock): stock-holder, `with inventory_lock:` (line "
                            + line("locks", "    with inventory_lock:\n        pending") + ") in restock_inventory")
                    .contains("waits to enter `with ledger_rlock:` (RLock, locked) at read_ledger")
                    .contains("owner: ledger-holder (recorded by the RLock)")
                    .contains("waits in Condition.wait on Condition `jobs_ready`")
                    .contains("_waiters deque: 2 waiter lock(s) (threads: ")
                    .contains("waits in Event.wait on Event `shutdown_event` (not set), called from wait_for_shutdown")
                    .contains("waits in Semaphore.acquire on Semaphore `slots` (value=0), called from take_slot")
                    .contains("waits in Queue.get on Queue `orders` (0 item(s)")
                    .contains("waits in Thread.join on Thread `t` (stock-holder, alive), called from join_holder")
                    .contains("timeout: none (waits until notified)");
            assertThat(block(out, "Thread consumer-1")).contains("Condition `jobs_ready`");
            assertThat(block(out, "Thread consumer-2")).contains("Condition `jobs_ready`");
            // The lock-order deadlock, as a cycle; the consumers (waiting on a condition, lock released) are not one.
            assertThat(out).containsPattern("DEADLOCK \\(wait-for cycle[^\\n]*transfer-(ab|ba) waits for `lock_[ab]`, "
                    + "held by transfer-(ba|ab); transfer-(ab|ba) waits for `lock_[ab]`, held by transfer-(ba|ab)");
            assertThat(out.lines().filter(l -> l.startsWith("DEADLOCK")).count()).isEqualTo(1);
            // ... and as a verdict
            assertThat(out).contains("  DEADLOCK: 2 threads wait for each other in a cycle");
            assertThat(out).doesNotContain("unreadable");

            String stacks = run(t, "py.thread_stacks", Map.of("locals", true, "thread", "stock"));
            assertThat(block(stacks, "Thread stock-holder"))
                    .contains("restock_inventory (<string>:")
                    .contains("Event.wait (")
                    .containsPattern("pending = <Loud instance at 0x[0-9a-f]+>");   // its __repr__ raises
            assertThat(block(stacks, "Thread stock-updater")).contains("update_stock (<string>:");
            assertThat(stacks).doesNotContain("consumer-1").contains("2 thread(s) shown");
        }
    }

    // ---- thread pools and concurrent futures ----

    @ParameterizedTest(name = "python{0}")
    @ValueSource(strings = {"3.14", "3.15"})
    void aStarvedPoolAndItsFutures(String version) {
        try (TestPythons.Target t = start(version, "pool_starvation")) {
            String pools = run(t, "py.thread_pools", Map.of());
            String report = block(pools, "Pool 'report'");
            assertThat(report)
                    .contains("max_workers=2, 2 worker thread(s), 2 item(s) queued")
                    .contains("worker report_0 (alive")
                    .contains("running __main__.render_report('r-")
                    .contains("render_report (<string>:" + line("pool_starvation", "return section.result()") + ")")
                    .contains("waits in Future.result on a pending future of __main__.fetch_section('r-")
                    .contains("still QUEUED in THIS SAME POOL")
                    .contains("queued #1: __main__.fetch_section('r-")
                    .contains("queued #2: __main__.fetch_section('r-")
                    .contains("STARVED: all 2 workers wait on futures whose work items are queued in this same pool");
            assertThat(block(pools, "Pool 'idle'")).contains("worker idle_0 (alive").contains("idle, waiting for work")
                    .doesNotContain("STARVED");
            assertThat(pools).doesNotContain("GEVENT HAZARD");

            String futures = run(t, "py.futures", Map.of());
            assertThat(futures)
                    .contains("Pending futures: 4 concurrent.futures")
                    .containsPattern("completed by: work item __main__\\.fetch_section\\('r-0', 'summary'\\), QUEUED in "
                            + "pool 'report' \\(position [12] of 2\\)\n  waited on by thread report_[01] in Future\\.result, "
                            + "called from render_report \\(<string>:")
                    .contains("`section (local of render_report)`")
                    .containsPattern("completed by: work item __main__\\.render_report\\('r-1'\\), RUNNING on thread report_[01]")
                    .contains("waited on by thread MainThread in wait (timeout 0.05 s");
        }
    }

    // ---- asyncio ----

    @ParameterizedTest(name = "python{0}")
    @ValueSource(strings = {"3.14", "3.15"})
    void asyncioTasksAwaitChainsAndALoopBlockedByItself(String version) {
        try (TestPythons.Target t = start(version, "asyncio_loops")) {
            String out = run(t, "py.asyncio_tasks", Map.of());
            assertThat(out).contains("2 event loop(s)");
            String loopA = block(out, "Loop asyncio.unix_events._UnixSelectorEventLoop", "thread loop-A");
            assertThat(loopA).contains("running, thread loop-A").contains("idle: its thread waits in the selector")
                    .doesNotContain("BLOCKED");
            String fetch = block(loopA, "  Task 'fetch-user-42'");
            assertThat(fetch).contains("Task 'fetch-user-42': fetch_user(), waiting")
                    .contains("awaits future `__main__.never_done` (pending)")
                    .contains("nothing known will complete it");
            // the await chain, innermost first
            assertThat(fetch.indexOf("load_profile (<string>:" + line("asyncio_loops", "return await never_done") + ")"))
                    .isPositive()
                    .isLessThan(fetch.indexOf("fetch_user (<string>:" + line("asyncio_loops", "return await load_profile") + ")"));
            assertThat(block(loopA, "  Task 'await-payment'"))
                    .contains("await_payment (<string>:")
                    .contains("mirrors concurrent.futures.Future `__main__.payment_cf` (pending), nothing known sets it");
            assertThat(block(loopA, "  Task 'heartbeat'")).contains("awaits a timer (asyncio.sleep or call_later)");

            String loopB = block(out, "Loop asyncio.unix_events._UnixSelectorEventLoop", "thread loop-B");
            assertThat(loopB)
                    .contains("LOOP BLOCKED: for 3 samples")
                    .contains("Future.result (")
                    .contains("reconcile (<string>:" + line("asyncio_loops", "return total.result()") + ")")
                    .contains("waits in Future.result on concurrent.futures.Future `total (local of reconcile)` (pending)")
                    .contains("EVENT LOOP BLOCKED BY ITSELF: task 'reconcile' waits for a future that only this loop can "
                            + "complete, and its producer (coroutine compute_total()) is still a callback in this loop's ready queue")
                    .contains("Task 'reconcile': reconcile(), running now");
            List<Verdict> loopVerdicts = Verdicts.parse(out.getBytes(StandardCharsets.UTF_8));
            assertThat(loopVerdicts).extracting(Verdict::kind).containsExactly("loop-blocked-by-itself");
            assertThat(loopVerdicts.get(0).conclusion()).contains("thread loop-B").contains("task 'reconcile'");

            String futures = run(t, "py.futures", Map.of());
            assertThat(block(futures, "asyncio.Future", "`__main__.never_done`"))
                    .contains("completed by: NOTHING KNOWN")
                    .contains("awaited by task 'fetch-user-42' (fetch_user())")
                    .contains("callback: Task.task_wakeup (wakes task 'fetch-user-42')");
            assertThat(Verdicts.parse(futures.getBytes(StandardCharsets.UTF_8)))
                    .anySatisfy(v -> assertThat(v.kind() + " " + v.conclusion()).startsWith("nothing-will-complete")
                            .contains("task 'fetch-user-42'").contains("never_done"));
            assertThat(block(futures, "concurrent.futures.Future", "`total (local of reconcile)`"))
                    .contains("completed by: a callback in the ready queue of loop")
                    .contains("run_coroutine_threadsafe.<locals>.callback, coroutine compute_total()")
                    .contains("waited on by thread loop-B in Future.result, called from reconcile (<string>:");
            assertThat(block(futures, "concurrent.futures.Future", "`__main__.payment_cf`"))
                    .contains("completed by: NOTHING KNOWN")
                    .contains("sets asyncio.Future").contains("awaited by task 'await-payment'");
        }
    }

    // ---- gevent ----

    @Test
    void geventGreenletsTheirWaitsAndHubsAndWhatPatchingLeftBehind() {
        try (TestPythons.Target t = start("3.14", "gevent_worker")) {
            String out = run(t, "py.gevent_greenlets", Map.of());
            String order = block(out, "Greenlet 'order-42'");
            assertThat(order)
                    .contains("Greenlet 'order-42' __main__.wait_for_payment(42)")
                    .contains("state: suspended; parent: hub; in the main thread")
                    .contains("waits on gevent.event.Event `payment_done`.wait() (is_set=False")
                    .contains("at wait_for_payment (<string>:" + line("gevent_worker", "payment_done.wait()") + ")");
            assertThat(block(out, "Greenlet 'quote-7'")).contains("waits on gevent.event.AsyncResult `quote_result`.get() (ready=False");
            assertThat(block(out, "Greenlet 'job-consumer'")).contains("waits on gevent.queue.Queue `jobs`.get() (qsize=0)");
            assertThat(block(out, "Greenlet 'slot-taker'")).contains("waits on gevent.lock.Semaphore `slots`.acquire()")
                    .contains("counter=0");
            assertThat(block(out, "Greenlet 'heartbeat'")).contains("sleeps in gevent.sleep(0.05) at heartbeat (<string>:");
            assertThat(block(out, "Greenlet 'starved-ticker'")).contains("scheduled, not started yet");
            assertThat(out).contains("3 hub(s)").contains("the loop is turning")
                    .contains("HUB BLOCKED: for 0.2 s the loop did not turn and its thread stayed at the same instruction "
                            + "of Greenlet 'legacy-call'")
                    .contains("its current line calls: unpatched_sleep()")
                    .contains("legacy_call (<string>:" + line("gevent_worker", "unpatched_sleep(5)") + ")");
            assertThat(out).doesNotContain("Greenlet 'finished'");   // dead ones are counted, not listed by default
            assertThat(run(t, "py.gevent_greenlets", Map.of("dead", true))).contains("Greenlet 'finished'");

            String patching = run(t, "py.gevent_patching", Map.of());
            assertThat(patching)
                    .contains("monkey-patching: ACTIVE")
                    .contains("threading=yes").contains("socket=yes").contains("queue=yes")
                    .contains("patched time: sleep")
                    .contains("HAZARD `__main__.legacy_pool` (thread_name_prefix 'legacy'): its work queue is the C "
                            + "_queue.SimpleQueue (the pool was created before patching)")
                    .contains("HAZARD `__main__.legacy_lock`: a real _thread.lock (created before patching)")
                    .contains("hub ").contains("MainThread");

            assertThat(block(run(t, "py.thread_pools", Map.of()), "Pool 'legacy'"))
                    .contains("GEVENT HAZARD: this pool's work queue is the C _queue.SimpleQueue");
        }
    }

    @ParameterizedTest(name = "python{0}")
    @ValueSource(strings = {"3.14", "3.15"})
    void geventEntriesSayInOneLineThatAProcessHasNoGevent(String version) {
        try (TestPythons.Target t = start(version, "locks")) {
            assertThat(run(t, "py.gevent_greenlets", Map.of()))
                    .startsWith("gevent is not imported in this process: no hub and no gevent greenlets.\n\nVerdicts:\n"
                            + "  none: gevent is not imported\n@thaw-verdicts {\"version\": 1, \"verdicts\": []}\n");
            assertThat(run(t, "py.gevent_patching", Map.of()))
                    .startsWith("gevent is not imported in this process: no monkey-patching, nothing to check.\n\nVerdicts:\n");
        }
    }

    // ---- verdicts: each rule fires on its hang and stays silent on a healthy process ----

    @ParameterizedTest(name = "python{0}")
    @ValueSource(strings = {"3.14", "3.15"})
    void verdictsNameEachClassOfHang(String version) {
        try (TestPythons.Target t = start(version, "verdict_hangs")) {
            List<Verdict> locks = verdicts(t, "py.lock_waiters");
            assertThat(locks).extracting(Verdict::kind).containsExactlyInAnyOrder("lost-wakeup", "nothing-will-notify",
                    "nothing-will-set", "nothing-will-release", "join-cannot-finish");
            assertThat(find(locks, "nothing-will-notify").subject()).isEqualTo("`__main__.jobs_changed`");
            assertThat(find(locks, "nothing-will-notify").conclusion()).contains("job-waiter").contains("in a loop");
            assertThat(find(locks, "lost-wakeup").subject()).isEqualTo("`__main__.report_ready`");
            assertThat(find(locks, "lost-wakeup").conclusion()).contains("report-waiter");
            assertThat(find(locks, "lost-wakeup").evidence()).anySatisfy(e -> assertThat(e).contains("not inside a predicate loop"));
            assertThat(find(locks, "nothing-will-set").subject()).isEqualTo("`__main__.drained`");
            assertThat(find(locks, "nothing-will-release").conclusion()).contains("upload-worker").contains("leaked");
            assertThat(find(locks, "join-cannot-finish").conclusion()).contains("batch-joiner").contains("`__main__.batch_queue`")
                    .contains("unfinished-task count is 1");

            List<Verdict> tasks = verdicts(t, "py.asyncio_tasks");
            assertThat(tasks).extracting(Verdict::kind).containsExactlyInAnyOrder("join-cannot-finish", "unretrieved-exception");
            assertThat(find(tasks, "join-cannot-finish").conclusion()).contains("task flush-all").contains("`__main__.events`");
            assertThat(find(tasks, "join-cannot-finish").evidence())
                    .anySatisfy(e -> assertThat(e).contains("task event-consumer died with KeyError"));
            assertThat(find(tasks, "unretrieved-exception").conclusion()).contains("'event-consumer'").contains("KeyError");
            assertThat(find(tasks, "unretrieved-exception").evidence())
                    .anySatisfy(e -> assertThat(e).contains("global __main__.consumers (in a list of 1)"));
            assertThat(verdicts(t, "py.futures")).isEmpty();
        }
    }

    @ParameterizedTest(name = "python{0}")
    @ValueSource(strings = {"3.14", "3.15"})
    void verdictsStaySilentOnAHealthyProcessWaitingOnLiveWork(String version) {
        try (TestPythons.Target t = start(version, "verdict_healthy")) {
            for (String id : List.of("py.lock_waiters", "py.asyncio_tasks", "py.futures", "py.subprocesses", "py.thread_pools")) {
                assertThat(verdicts(t, id)).as(id).isEmpty();
            }
            assertThat(run(t, "py.lock_waiters", Map.of())).contains("Thread slot_waiter").contains("Thread joiner")
                    .contains("\nVerdicts:\n  none: ");
        }
    }

    @ParameterizedTest(name = "python{0}")
    @ValueSource(strings = {"3.14", "3.15"})
    void subprocessesShowTheFullPipeAndConcludePipeDeadlock(String version) throws IOException {
        String script = Files.readString(dev.thaw.testing.AnswerKeys.sourceDir().resolve("python/subprocess_pipe_deadlock.py"));
        try (TestPythons.Target t = TestPythons.start(version, script)) {
            assertThat(t.readyLine()).startsWith("pid=" + t.pid() + " scenario=py-subprocess-pipe-deadlock");
            String out = run(t, "py.subprocesses", Map.of());
            assertThat(out).contains("1 live child process(es)")
                    .contains("Popen `converter (local of export_report, thread report-export)` pid ")
                    .contains("child: state S, in write on fd 1")
                    .containsPattern("stdout: our fd \\d+, 65536 unread byte\\(s\\) in the pipe of 65536 \\(FULL\\), the child's fd 1")
                    .contains("waited on by thread report-export in Popen.wait, called from export_report (<string>:");
            List<Verdict> v = Verdicts.parse(out.getBytes(StandardCharsets.UTF_8));
            assertThat(v).extracting(Verdict::kind).containsExactly("pipe-deadlock");
            assertThat(v.get(0).conclusion()).contains("blocked writing to its stdout pipe")
                    .contains("while thread report-export waits for the child to exit");
        }
    }

    @ParameterizedTest(name = "python{0}")
    @ValueSource(strings = {"3.14", "3.15"})
    void threadsShowTheDeadWorkerAndTheSwallowingHook(String version) throws IOException {
        String script = Files.readString(dev.thaw.testing.AnswerKeys.sourceDir().resolve("python/thread_died_silently.py"));
        try (TestPythons.Target t = TestPythons.start(version, script)) {
            assertThat(t.readyLine()).startsWith("pid=" + t.pid() + " scenario=py-thread-died-silently");
            String out = run(t, "py.threads", Map.of());
            assertThat(out).contains("threading.excepthook: REPLACED by __main__.<lambda>")
                    .containsPattern("threading.Thread (`[^`]*` )?'total-south' \\(finished, ident \\d+")
                    .contains("held by global __main__.workers (in a list of 3)")
                    .contains("'collector' (alive")
                    .contains("waits on queue.Queue `__main__.results` (0 item(s), unfinished_tasks=2");
            List<Verdict> v = Verdicts.parse(out.getBytes(StandardCharsets.UTF_8));
            assertThat(v).extracting(Verdict::kind).containsExactly("swallowed-exception");
            // the healthy target keeps the default hook: no verdict
            try (TestPythons.Target h = start(version, "verdict_healthy")) {
                assertThat(verdicts(h, "py.threads")).isEmpty();
            }
        }
    }

    static List<Verdict> verdicts(TestPythons.Target t, String id) {
        String out = run(t, id, Map.of());
        List<Verdict> v = Verdicts.parse(out.getBytes(StandardCharsets.UTF_8));
        assertThat(v).as(id + " ends with an @thaw-verdicts line:\n" + out).isNotNull();
        return v;
    }

    static Verdict find(List<Verdict> verdicts, String kind) {
        return verdicts.stream().filter(v -> v.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " verdict in " + verdicts));
    }

    // ---- gc and tracemalloc ----

    @ParameterizedTest(name = "python{0}")
    @ValueSource(strings = {"3.14", "3.15"})
    void gcCountsAndTracemallocFromOffToOnToOff(String version) throws InterruptedException {
        try (TestPythons.Target t = start(version, "memory_growth")) {
            String gc = run(t, "py.gc_stats", Map.of("top", 5));
            assertThat(gc).contains("gc: enabled").contains("generation 0:").contains("Top 5 types by count:");
            Matcher m = Pattern.compile("(?m)^\\s+(\\d+)  __main__\\.LeakyRecord$").matcher(gc);
            assertThat(m.find()).as(gc).isTrue();
            assertThat(Integer.parseInt(m.group(1))).isGreaterThanOrEqualTo(50000);

            assertThat(run(t, "py.tracemalloc_top", Map.of()))
                    .startsWith("tracemalloc is not tracing in this process")
                    .contains("py.tracemalloc_start").contains("PYTHONTRACEMALLOC=");
            assertThat(run(t, "py.tracemalloc_start", Map.of("frames", 5)))
                    .startsWith("tracemalloc started: recording 5 frame(s) per allocation")
                    .contains("{\"stop\": true}");
            assertThat(run(t, "py.tracemalloc_start", Map.of()))
                    .startsWith("tracemalloc is already tracing (5 frame(s) per allocation")
                    .contains("not restarted; to record 10 frames instead, stop it first");
            String payload = "<string>:" + line("memory_growth", "self.payload = ");
            String append = "<string>:" + line("memory_growth", "cache.append(LeakyRecord(i))");
            String top = "";
            for (int attempt = 0; attempt < 5 && !top.contains("  #1 " + payload + ": "); attempt++) {
                Thread.sleep(1500);   // the target allocates up to 25,000 records a second (less on a loaded machine)
                top = run(t, "py.tracemalloc_top", Map.of("top", 5));
            }
            assertThat(top).startsWith("tracemalloc: tracing, 5 frame(s) per allocation")
                    .contains("grouped by lineno").contains("  #1 " + payload + ": ");
            String tb = run(t, "py.tracemalloc_top", Map.of("top", 3, "group_by", "traceback"));
            String first = block(tb, "  #1 ");
            assertThat(first).contains(payload).contains(append);
            assertThat(first.indexOf(payload)).isLessThan(first.indexOf(append));   // the allocating line first
            assertThat(run(t, "py.tracemalloc_top", Map.of("group_by", "filename"))).contains("  #1 <string>: ");
            assertThat(run(t, "py.tracemalloc_start", Map.of("stop", true))).startsWith("tracemalloc stopped: traces freed");
            assertThat(run(t, "py.tracemalloc_top", Map.of())).startsWith("tracemalloc is not tracing");
        }
    }

    // ---- file descriptors ----

    @ParameterizedTest(name = "python{0}")
    @ValueSource(strings = {"3.14", "3.15"})
    void openFilesNameTheSocketsAndTheFileWithTheirOwners(String version) {
        try (TestPythons.Target t = start(version, "open_files")) {
            Matcher m = Pattern.compile("port=(\\d+)").matcher(t.readyLine());
            assertThat(m.find()).isTrue();
            String port = m.group(1);
            String out = run(t, "py.open_files", Map.of());
            assertThat(out).containsPattern("Open file descriptors: \\d+ \\(\\d+ file, 4 socket, \\d+ pipe");
            assertThat(out)
                    .containsPattern("socket +TCP 127\\.0\\.0\\.1:" + port + " LISTEN  <- socket\\.socket object "
                            + "`__main__\\.listener`: AF_INET SOCK_STREAM laddr=\\('127\\.0\\.0\\.1', " + port + "\\) blocking")
                    .containsPattern("TCP 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:" + port + " ESTABLISHED  <- socket\\.socket "
                            + "object `__main__\\.client_conn`: .* timeout=2\\.5s")
                    .containsPattern("ESTABLISHED  <- socket\\.socket object `__main__\\.server_conn`")
                    .containsPattern("UDP 127\\.0\\.0\\.1:\\d+  <- socket\\.socket object `__main__\\.metrics_udp`: AF_INET SOCK_DGRAM")
                    .contains("/tmp/thaw-catalog-audit-" + t.pid() + ".log (w, pos 7)  <- `__main__.audit_log`")
                    .contains("(read end)").contains("(write end)")
                    .contains("(thaw's own: this injection's output)");
            assertThat(run(t, "py.open_files", Map.of("max", 2)).lines().filter(l -> l.startsWith("  fd ")).count())
                    .isEqualTo(2);
        }
    }

    // ---- through the MCP server ----

    @Test
    void throughMcpListDiagnosticsAndInjectScriptWithADiagnostic() throws IOException {
        try (TestPythons.Target t = start("3.14", "gevent_worker");
             ThawServerProcess server = ThawServerProcess.start("--approve", "auto")) {
            McpSchema.CallToolResult list = server.call("list_diagnostics", Map.of("pid", t.pid()));
            assertThat(list.isError()).as(ToolResults.text(list)).isFalse();
            assertThat(ToolResults.list(ToolResults.structured(list), "entries").stream().map(e -> (String) e.get("id"))
                    .collect(Collectors.toSet())).containsAll(COVERED);

            McpSchema.CallToolResult r = server.call("inject_script", Map.of("pid", t.pid(),
                    "diagnostic", "py.gevent_greenlets", "params", Map.of("max_frames", 3),
                    "hypothesis", "order-42 waits on an event nobody sets", "timeout_s", 60));
            assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
            Map<String, Object> s = ToolResults.structured(r);
            assertThat(s).as(ToolResults.text(r)).containsEntry("state", "completed");
            assertThat((String) s.get("output"))
                    .contains("Greenlet 'order-42' __main__.wait_for_payment(42)")
                    .contains("waits on gevent.event.Event `payment_done`.wait() (is_set=False");

            McpSchema.CallToolResult bad = server.call("inject_script", Map.of("pid", t.pid(),
                    "diagnostic", "py.gevent_greenlets", "params", Map.of("max_frames", "many")));
            assertThat(bad.isError()).isTrue();
            assertThat(ToolResults.text(bad)).contains("max_frames");
        }
    }

    // ---- robustness: nothing holds still ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"3.14", "3.15", "3.14+gevent"})
    void everyEntryCompletesWhileThreadsTasksAndGreenletsComeAndGo(String variant) {
        boolean gevent = variant.endsWith("+gevent");
        String version = variant.substring(0, 4);
        try (TestPythons.Target t = TestPythons.start(version, gevent ? Map.of("CHURN_GEVENT", "1") : Map.of(),
                program("churn"))) {
            assertThat(t.readyLine()).isEqualTo("ready pid=" + t.pid());
            Map<String, Map<String, Object>> runs = new LinkedHashMap<>();
            runs.put("py.thread_stacks", Map.of("locals", true));
            runs.put("py.lock_waiters", Map.of("all_threads", true));
            runs.put("py.thread_pools", Map.of());
            runs.put("py.futures", Map.of("include_tasks", true));
            runs.put("py.asyncio_tasks", Map.of());
            runs.put("py.gevent_greenlets", Map.of("dead", true));
            runs.put("py.gevent_patching", Map.of("include_stdlib", true));
            runs.put("py.gc_stats", Map.of("sizes", true));
            runs.put("py.open_files", Map.of());
            runs.put("py.subprocesses", Map.of());
            runs.put("py.threads", Map.of());
            runs.put("py.tracemalloc_start", Map.of("frames", 3));
            runs.put("py.tracemalloc_top", Map.of("group_by", "traceback"));
            assertThat(runs.keySet()).containsAll(COVERED.stream().filter(id -> !id.equals("py.tracemalloc_start")
                    && !id.equals("py.tracemalloc_top")).toList());
            // Delivered with thread "auto", the default: it once armed short-lived churn threads, and a
            // thread exiting around its arming corrupted this target's heap. Auto now waits until a
            // thread has settled (ThreadPlanner.SETTLED_MS); this test is also the regression test.
            for (Map.Entry<String, Map<String, Object>> e : runs.entrySet()) {
                String out = run(t, e.getKey(), e.getValue(), ThreadChoice.AUTO);
                assertThat(out).as(e.getKey()).isNotBlank().doesNotContain("Traceback (most recent call last)");
            }
            assertThat(run(t, "py.tracemalloc_start", Map.of("stop", true), ThreadChoice.AUTO)).startsWith("tracemalloc stopped");
            if (gevent) {
                // the churn runs in greenlets (thread stacks show the hub's thread only); the short-lived
                // ones may all be gone at any given moment, the two spawners never are
                assertThat(run(t, "py.gevent_greenlets", Map.of(), ThreadChoice.AUTO)).contains("spawner (<string>:")
                        .contains("Thread._bootstrap()");
            } else {
                assertThat(run(t, "py.thread_stacks", Map.of("locals", true), ThreadChoice.AUTO))
                        .as("broken __repr__ locals are shown, not fatal").containsPattern("hostile = <Hostile instance at 0x");
            }
        }
    }

    /**
     * Bounds on a crowd: 10,000 threads (greenlets under gevent) on one Condition (one gevent Event) and 10,000
     * asyncio tasks on one Event. Every entry that walks threads, tasks or greenlets completes within the
     * injection's timeout, its output stays small (its max_* parameters cut the listing), and the verdict
     * rules still name the object the crowd waits on.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"3.14", "3.14+gevent"})
    void entriesStayBoundedOnACrowdOfTenThousand(String variant) {
        boolean gevent = variant.endsWith("+gevent");
        try (TestPythons.Target t = TestPythons.start("3.14", gevent ? Map.of("CROWD_GEVENT", "1") : Map.of(),
                program("crowd"))) {
            assertThat(t.readyLine()).isEqualTo("ready pid=" + t.pid());
            Map<String, String> outs = new LinkedHashMap<>();
            for (String id : List.of("py.thread_stacks", "py.lock_waiters", "py.threads", "py.asyncio_tasks",
                    "py.futures", "py.gevent_greenlets")) {
                String out = run(t, id, Map.of());
                outs.put(id, out);
                assertThat(out).as(id).doesNotContain("Traceback (most recent call last)").contains("\nVerdicts:\n");
                assertThat(out.length()).as(id + " output").isLessThan(200_000);
            }
            if (gevent) {
                assertThat(outs.get("py.gevent_greenlets")).contains("10001 greenlet(s)");
            } else {
                assertThat(outs.get("py.lock_waiters")).contains("`__main__.crowd_ready`");
                assertThat(outs.get("py.asyncio_tasks")).contains("10001 task(s) not done");
            }
        }
    }

    // ---- helpers ----

    static String program(String name) {
        return PythonProgram.of("catalog-targets/python/" + name + ".py").text();
    }

    static TestPythons.Target start(String version, String name) {
        TestPythons.Target t = TestPythons.start(version, program(name));
        assertThat(t.readyLine()).as(name + " on python" + version + ": " + t.stderr()).startsWith("ready pid=" + t.pid());
        return t;
    }

    /** The 1-based line of the program on which {@code fragment} starts (it may span lines). */
    static int line(String name, String fragment) {
        String text = program(name);
        int at = text.indexOf(fragment);
        assertThat(at).as(fragment + " in " + name).isNotNegative();
        assertThat(text.indexOf(fragment, at + 1)).as(fragment + " is unique in " + name).isNegative();
        return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    /**
     * The catalog entry {@code id} run in the target through the real injection path, with its params
     * checked and defaulted as inject_script does; asserts it completed and returns its whole output.
     */
    static String run(TestPythons.Target t, String id, Map<String, Object> params) {
        return run(t, id, params, ThreadChoice.AUTO);
    }

    static String run(TestPythons.Target t, String id, Map<String, Object> params, ThreadChoice thread) {
        assertThat(COVERED).as("an entry this class covers").contains(id);
        ScriptSource src = ScriptSource.diagnostic(Catalog.system(), id, params, null);
        InjectionResult r = null;
        for (int attempt = 1; r == null; attempt++) {
            try {
                r = service.inject(src.request(t.pid(), thread, InjectionMode.THREAD, TIMEOUT,
                        "PythonCatalogIT " + id, 0), ProgressSink.NONE);
            } catch (ThawException e) {
                // "The threads thaw chose ... exited before they could be armed. Fix: Inject again."
                // (seen under heavy thread churn, even for the main thread): do what the fix says.
                if (e.code() != ErrorCode.THREADS_EXITED || attempt >= 3) {
                    throw e;
                }
            }
        }
        assertThat(r.state()).as(id + ": " + r + "\ntarget stderr:\n" + t.stderr()).isEqualTo("completed");
        StringBuilder all = new StringBuilder(r.output() == null ? "" : r.output());
        long offset = r.nextOffset();
        boolean more = r.more();
        while (more) {
            OutputPage p = service.readOutput(r.injectionId(), offset, 1 << 20, Duration.ZERO);
            all.append(p.text());
            offset = p.nextOffset();
            more = !p.complete() && p.nextOffset() < p.totalBytes();
        }
        return all.toString();
    }

    /**
     * The part of {@code out} from the first line starting with {@code head} (and containing {@code also},
     * when given) up to the next line at the same or a lower indentation that is not a continuation.
     */
    static String block(String out, String head, String... also) {
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith(head) && Stream.of(also).allMatch(l::contains)) {
                int indent = indent(l);
                StringBuilder b = new StringBuilder(l).append('\n');
                for (int j = i + 1; j < lines.size(); j++) {
                    String n = lines.get(j);
                    if (!n.isBlank() && indent(n) <= indent) {
                        break;
                    }
                    b.append(n).append('\n');
                }
                return b.toString();
            }
        }
        throw new AssertionError("no line starting with \"" + head + "\"" + (also.length > 0 ? " containing "
                + List.of(also) : "") + " in:\n" + out);
    }

    private static int indent(String l) {
        int i = 0;
        while (i < l.length() && l.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
