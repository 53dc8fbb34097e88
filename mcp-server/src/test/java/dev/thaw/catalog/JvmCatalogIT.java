package dev.thaw.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thaw.catalog.targets.CatalogTarget;
import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.OutputPage;
import dev.thaw.inject.ProgressSink;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.jvm.probe.JvmInjector;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every hotspot catalog entry against a live JVM on JDK 17 and JDK 25 ({@link CatalogTarget}: a ReentrantLock
 * deadlock, a read-lock deadlock, an owner chain of three, a starved fixed pool, a starved ForkJoinPool, a
 * scheduled pool, 54321 instances of a marker class, and on 25 virtual threads waiting in a mailbox, for a lock,
 * and pinned in a class initializer), through the real injection path: in process through
 * {@link InjectionService}, and over stdio through the MCP tool {@code inject_script {pid, diagnostic}}.
 * The assertions check that the output names the culprits, not merely that the probe completed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JvmCatalogIT {

    /** The entries this test runs; {@link #coversEveryHotspotEntry()} keeps it equal to the catalog. */
    private static final Map<String, BiConsumer<Integer, String>> CHECKS = new LinkedHashMap<>();

    static {
        CHECKS.put("jvm.deadlocks", JvmCatalogIT::checkDeadlocks);
        CHECKS.put("jvm.executors", JvmCatalogIT::checkExecutors);
        CHECKS.put("jvm.class_histogram", JvmCatalogIT::checkHistogram);
        CHECKS.put("jvm.virtual_threads", JvmCatalogIT::checkVirtualThreads);
        CHECKS.put("jvm.synchronizers", JvmCatalogIT::checkSynchronizers);
        CHECKS.put("jvm.threads", JvmCatalogIT::checkThreads);
    }

    private static final Duration WAIT = Duration.ofSeconds(90); // a loaded 2-core machine compiles slowly

    private final ProcFs proc = ProcFs.system();
    private final InjectionDirs dirs;
    private final InjectionService service;
    private final Map<Integer, Target> targets = new HashMap<>();

    JvmCatalogIT() throws Exception {
        dirs = new InjectionDirs(proc, Files.createTempDirectory("thaw-jvm-catalog"));
        service = InjectionService.start(proc, List.of(new JvmInjector(new AttachClients(proc))), dirs);
    }

    @AfterAll
    void stop() {
        service.close();
        targets.values().forEach(Target::close);
    }

    private Target target(int feature) {
        return targets.computeIfAbsent(feature, f -> TestJdks.launch(TestJdks.require(f), CatalogTarget.class)
                .readyTimeout(Duration.ofSeconds(60)).start());
    }

    /** Runs a catalog entry through InjectionService, as inject_script does; the whole output. */
    private String run(int feature, String id, Map<String, Object> params) {
        Target t = target(feature);
        InjectionRequest request = ScriptSource.diagnostic(Catalog.system(), id, params, null)
                .request(t.pid(), ThreadChoice.AUTO, InjectionMode.THREAD, WAIT, null, InjectionRequest.DEFAULT_OUTPUT_CAP);
        InjectionResult r = service.inject(request, ProgressSink.NONE);
        assertThat(r.state()).as("%s on JDK %s: %s", id, feature, r).isEqualTo("completed");
        StringBuilder all = new StringBuilder(r.output());
        long offset = r.nextOffset();
        boolean more = r.more();
        while (more) {
            OutputPage page = service.readOutput(r.injectionId(), offset, 1 << 20, Duration.ZERO);
            all.append(page.text());
            offset = page.nextOffset();
            more = !page.complete();
        }
        String out = all.toString();
        System.out.println("---- " + id + " " + params + " on JDK " + feature + " ----\n" + out);
        return out;
    }

    @Test
    void coversEveryHotspotEntry() {
        Set<String> ids = Catalog.system().entries(CatalogEntry.HOTSPOT).stream().map(CatalogEntry::id)
                .collect(Collectors.toSet());
        assertThat(ids).isEqualTo(CHECKS.keySet());
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void deadlocks(int feature) {
        checkDeadlocks(feature, run(feature, "jvm.deadlocks", Map.of()));
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void executors(int feature) {
        checkExecutors(feature, run(feature, "jvm.executors", Map.of()));
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void classHistogram(int feature) {
        checkHistogram(feature, run(feature, "jvm.class_histogram", Map.of()));
        String live = run(feature, "jvm.class_histogram", Map.of("live", true, "match", "HistogramMarker", "top", 5));
        assertThat(live).contains("reachable objects (after a forced full GC)")
                .contains("Only classes whose name contains \"HistogramMarker\":");
        assertThat(live).containsPattern(markerRow(CatalogTarget.MARKERS, "CatalogTarget$HistogramMarker"))
                .containsPattern(markerRow(1, "CatalogTarget$HistogramMarker[]"));
        assertThat(live.lines().filter(l -> l.matches("\\s+\\d+\\s+[\\d,]+\\s+.*"))).allMatch(l -> l.contains("HistogramMarker"));
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void virtualThreads(int feature) throws Exception {
        checkVirtualThreads(feature, run(feature, "jvm.virtual_threads", Map.of()));
        try (Stream<Path> tmp = Files.list(Path.of("/proc/" + target(feature).pid() + "/root/tmp"))) {
            assertThat(tmp.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("thaw-vthreads-"));
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void synchronizers(int feature) {
        checkSynchronizers(feature, run(feature, "jvm.synchronizers", Map.of()));
    }

    /**
     * The ReentrantLock deadlock's threads are parked on each other's lock, shown with its owner; the main
     * thread sleeps in application code, so nothing is "beyond release": no verdict (jvm.deadlocks names
     * the cycle). Verdicts themselves: JvmSynchronizersIT.
     */
    static void checkSynchronizers(int feature, String out) {
        assertThat(out).containsPattern("java.util.concurrent.locks.ReentrantLock\\$NonfairSync@\\p{XDigit}+ \\(holds 1, "
                        + "owner \"cat-rl-[AB]\", 1 queued: \"cat-rl-[AB]\"\\)")
                .contains("parked: \"cat-rl-")
                .containsPattern("CountDownLatch\\$Sync@\\p{XDigit}+ \\(count \\d+, ")
                .contains("Verdicts:\n  none: ");
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void threads(int feature) {
        checkThreads(feature, run(feature, "jvm.threads", Map.of()));
    }

    /**
     * CatalogTarget gives each of its threads a handler that does nothing ({@code (th, e) -> { }}, to keep
     * its stderr quiet): found and judged through javap; the JDK's own lambdas (virtual-thread carriers on
     * 21+) are not judged.
     */
    static void checkThreads(int feature, String out) {
        assertThat(out).containsPattern("\\d+ threads started in this JVM, \\d+ live now")
                .contains("default uncaught-exception handler: none (ThreadGroup prints the stack trace)")
                .containsPattern("\"cat-rl-A\": dev.thaw.catalog.targets.CatalogTarget\\$\\$Lambda\\S*  SWALLOWS: the bytecode of "
                        + "CatalogTarget.<lambda>\\(Thread, Throwable\\) calls nothing and throws nothing")
                .doesNotContain("VirtualThread.<lambda>").doesNotContain("\"thaw-");
        assertThat(out.lines().filter(l -> l.startsWith("  SWALLOWED-EXCEPTION: ")).count()).isEqualTo(1);
    }

    /** Every entry over stdio through the real jar: inject_script {pid, diagnostic}, the entry's own defaults. */
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void overMcp(int feature) throws Exception {
        Target t = target(feature);
        try (ThawServerProcess server = ThawServerProcess.builder().args("--approve", "deny-custom")
                .requestTimeout(Duration.ofSeconds(120)).start()) {
            server.client().initialize();
            McpSchema.CallToolResult list = server.call("list_diagnostics", Map.of("runtime", "hotspot"));
            assertThat(ToolResults.text(list)).contains(CHECKS.keySet().toArray(new String[0]));
            for (Map.Entry<String, BiConsumer<Integer, String>> e : CHECKS.entrySet()) {
                McpSchema.CallToolResult r = server.call("inject_script", Map.of("pid", t.pid(), "diagnostic", e.getKey(),
                        "timeout_s", WAIT.toSeconds()));
                assertThat(r.isError()).as(ToolResults.text(r)).isFalse();
                Map<String, Object> s = ToolResults.structured(r);
                assertThat(s).as(ToolResults.text(r)).containsEntry("state", "completed");
                String out = (String) s.get("output");
                if (Boolean.TRUE.equals(s.get("more"))) {
                    McpSchema.CallToolResult page = server.call("read_output", Map.of("injection_id", s.get("injectionId"),
                            "max_bytes", 1 << 20));
                    out = (String) ToolResults.structured(page).get("text");
                }
                e.getValue().accept(feature, out);
            }
        }
    }

    /** dev.thaw.agent.Access opens an exported java.base package to the calling probe, and to nobody else. */
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void accessOpensJavaBaseToTheProbeOnly(int feature) {
        Target t = target(feature);
        String code = String.join("\n",
                "java.lang.reflect.Field f;",
                "try { f = Thread.class.getDeclaredField(\"target\"); } catch (NoSuchFieldException e) { f = Thread.class.getDeclaredField(\"holder\"); }",
                "try { f.setAccessible(true); out.println(\"before: accessible\"); } catch (RuntimeException e) { out.println(\"before: \" + e.getClass().getSimpleName()); }",
                "dev.thaw.agent.Access.open(Thread.class, \"java.lang\", getClass());",
                "f.setAccessible(true);",
                "out.println(\"after: \" + f.getName() + \" of this thread is \" + (f.get(Thread.currentThread()) == null ? \"null\" : \"set\"));",
                "Module app = dev.thaw.catalog.targets.CatalogTarget.class.getModule();",
                "out.println(\"open to the app: \" + Thread.class.getModule().isOpen(\"java.lang\", app));",
                "try { dev.thaw.agent.Access.open(Thread.class, \"jdk.internal.misc\", getClass()); out.println(\"internal: opened\"); }",
                "catch (IllegalArgumentException e) { out.println(\"internal: \" + e.getMessage()); }",
                "try { dev.thaw.agent.Access.open(Thread.class, \"java.lang\", dev.thaw.catalog.targets.CatalogTarget.class); out.println(\"app: opened\"); }",
                "catch (IllegalArgumentException e) { out.println(\"app: \" + e.getMessage()); }");
        InjectionResult r = service.inject(InjectionRequest.of(t.pid(), code).withTimeout(WAIT), ProgressSink.NONE);
        assertThat(r.state()).as("%s", r).isEqualTo("completed");
        assertThat(r.output()).contains("before: InaccessibleObjectException")
                .contains("after: " + (feature >= 19 ? "holder" : "target") + " of this thread is ")
                .contains("open to the app: false")
                .contains("internal: package jdk.internal.misc is not an exported package of module java.base")
                .contains("app: Access.open opens packages to probe classes only, not to dev.thaw.catalog.targets.CatalogTarget")
                .doesNotContain("internal: opened").doesNotContain("app: opened");
    }

    // ---- what each entry must say ----

    private static void checkDeadlocks(int feature, String out) {
        // The ReentrantLock cycle, with the JVM agreeing; each waits for exactly the lock the other holds.
        assertThat(out).contains("DEADLOCK: 3 cycles").contains("2 threads (the JVM's own detector reports it too)");
        String a = line(out, "  \"cat-rl-A\" (id");
        String b = line(out, "  \"cat-rl-B\" (id");
        assertThat(a).contains("held by [\"cat-rl-B\"]");
        assertThat(b).contains("held by [\"cat-rl-A\"]");
        Pattern rl = Pattern.compile("holds \\[(java\\.util\\.concurrent\\.locks\\.ReentrantLock\\$NonfairSync@\\p{XDigit}+)\\]"
                + " and waits for (java\\.util\\.concurrent\\.locks\\.ReentrantLock\\$NonfairSync@\\p{XDigit}+)");
        Matcher ma = rl.matcher(a);
        Matcher mb = rl.matcher(b);
        assertThat(ma.find()).as(a).isTrue();
        assertThat(mb.find()).as(b).isTrue();
        assertThat(ma.group(2)).isEqualTo(mb.group(1));
        assertThat(mb.group(2)).isEqualTo(ma.group(1));
        // The read-lock deadlock and the upgrade: found although the JVM's detector misses them.
        assertThat(line(out, "  \"cat-rw-writer\" (id")).contains("holds [dev.thaw.catalog.targets.CatalogTarget$RwMonitor@")
                .contains("waits for java.util.concurrent.locks.ReentrantReadWriteLock$NonfairSync@")
                .contains("held for reading by [\"cat-rw-reader\"]");
        assertThat(line(out, "  \"cat-rw-reader\" (id")).contains("waits for dev.thaw.catalog.targets.CatalogTarget$RwMonitor@")
                .contains("held by [\"cat-rw-writer\"]");
        assertThat(line(out, "  \"cat-rw-upgrader\" (id")).contains("held for reading by [\"cat-rw-upgrader\"]");
        assertThat(out).contains("2 threads (involves a read lock of a ReentrantReadWriteLock: invisible to the JVM's own")
                .contains("1 thread waits for itself").contains("a read lock cannot be upgraded");
        // The most-blocking ReentrantLock and its owner chain of three, to the sleeping end.
        assertThat(out).containsPattern("java\\.util\\.concurrent\\.locks\\.ReentrantLock\\$NonfairSync@\\p{XDigit}+: 5 waiting"
                + " \\[\"cat-chain-1\", \"cat-chain-w1\", \"cat-chain-w2\", \"cat-chain-w3\", \"cat-chain-w4\"\\]\n"
                + " +held by \"cat-chain-2\" \\(BLOCKED\\), which waits for dev\\.thaw\\.catalog\\.targets\\.CatalogTarget\\$ChainMonitor@\\p{XDigit}+\n"
                + " +held by \"cat-chain-3\" \\(TIMED_WAITING\\), the end of the chain:\n"
                + "(.*\n){1,3}.*CatalogTarget\\.sleepAtChainEnd\\(CatalogTarget\\.java");
        assertThat(out).contains("which is back in this chain: DEADLOCK");
        assertThat(out).doesNotContain("note: ");
        if (feature >= 21) {
            assertThat(out).contains("Virtual threads are not in ThreadMXBean's view");
        }
    }

    private static void checkExecutors(int feature, String out) {
        assertThat(out).contains("2 executors are STARVED:");
        assertThat(out).containsPattern("java\\.util\\.concurrent\\.ThreadPoolExecutor@\\p{XDigit}+  <- starvation: all 2 workers"
                + " wait while 3 tasks are queued\n  size 2 \\(core 2, max 2, largest 2\\), active 2, completed 0, running\n"
                + "  queue java\\.util\\.concurrent\\.LinkedBlockingQueue: 3 tasks\n"
                + "    1\\. dev\\.thaw\\.catalog\\.targets\\.CatalogTarget\\$QueuedReport \\(in FutureTask\\)\n"
                + "    2\\. dev\\.thaw\\.catalog\\.targets\\.CatalogTarget\\$QueuedReport \\(in FutureTask\\)\n"
                + "    3\\. lambda in dev\\.thaw\\.catalog\\.targets\\.CatalogTarget \\(in FutureTask\\)\n");
        assertThat(line(out, "\"starved-pool-1\"")).contains("2 x \"starved-pool-1\", \"starved-pool-2\" WAITING on 2 different"
                + " java.util.concurrent.FutureTask, in FutureTask.get() called from")
                .contains("dev.thaw.catalog.targets.CatalogTarget$ParentReport.call(CatalogTarget.java:");
        assertThat(out).containsPattern("java\\.util\\.concurrent\\.ForkJoinPool@\\p{XDigit}+  <- starvation: all 2 workers wait"
                + " while 3 tasks are queued\n");
        assertThat(out).contains("1. dev.thaw.catalog.targets.CatalogTarget$FjQueued (in ForkJoinTask$RunnableExecuteAction)");
        assertThat(line(out, "\"cat-fj-1\"")).contains("\"cat-fj-2\"").contains("in CountDownLatch.await() called from");
        assertThat(out).contains("1. dev.thaw.catalog.targets.CatalogTarget$TickReport (in Executors$RunnableAdapter in"
                + " ScheduledThreadPoolExecutor$ScheduledFutureTask)");
        assertThat(out).contains("\"cat-sched-1\" TIMED_WAITING, idle (waiting for work)");
        if (feature >= 21) {
            assertThat(out).contains("a scheduler of virtual threads").contains("carrying a mounted virtual thread that waits: PINNED");
        }
        assertThat(out).doesNotContain("note: "); // every field was reachable: Access opened java.base
    }

    private static void checkHistogram(int feature, String out) {
        assertThat(out).contains("Class histogram of all objects, reachable or not (no GC forced)");
        assertThat(out).containsPattern(markerRow(CatalogTarget.MARKERS, "CatalogTarget$HistogramMarker"));
        assertThat(out).containsPattern("\\s+1\\s+[\\d,]+\\s+[\\d.]+ \\S+\\s+\\S+\n"); // rank 1
        assertThat(out).containsPattern("the other [\\d,]+ classes: [\\d,]+ instances");
    }

    private static String markerRow(long instances, String simple) {
        return "\\n\\s+\\d+\\s+" + String.format(java.util.Locale.ROOT, "%,d", instances) + "\\s+[\\d.]+ \\S+\\s+"
                + Pattern.quote("dev.thaw.catalog.targets." + simple) + "\\n";
    }

    private static void checkVirtualThreads(int feature, String out) {
        if (feature < 21) {
            assertThat(out.strip()).startsWith("Virtual threads do not exist in Java " + feature).doesNotContain("\n");
            return;
        }
        int all = CatalogTarget.MAILBOX_VTHREADS + CatalogTarget.GATE_VTHREADS + 1;
        assertThat(out).startsWith(all + " virtual threads (");
        assertThat(out).containsPattern(CatalogTarget.MAILBOX_VTHREADS + " virtual threads \\{WAITING=" + CatalogTarget.MAILBOX_VTHREADS
                + "\\}, e\\.g\\. .*, waiting in LinkedBlockingQueue\\.take\\(\\) called from"
                + " dev\\.thaw\\.catalog\\.targets\\.CatalogTarget\\$Mailbox\\.await\\(CatalogTarget\\.java:\\d+\\)\n"
                + ".*\n  in \\{java\\.util\\.concurrent\\.ThreadPerTaskExecutor@\\p{XDigit}+=" + CatalogTarget.MAILBOX_VTHREADS + "\\}\n");
        assertThat(out).containsPattern(CatalogTarget.GATE_VTHREADS + " virtual threads \\{WAITING=" + CatalogTarget.GATE_VTHREADS
                + "\\}, e\\.g\\. \"cat-vt-gate-\\d+\".*, waiting in ReentrantLock\\.lock\\(\\) called from"
                + " dev\\.thaw\\.catalog\\.targets\\.CatalogTarget\\$VtGate\\.pass\\(CatalogTarget\\.java:\\d+\\)\n"
                + "  parked on java\\.util\\.concurrent\\.locks\\.ReentrantLock\\$NonfairSync@\\p{XDigit}+"
                + " \\(held by platform thread \"cat-vt-gatekeeper\"\\)\n");
        assertThat(out).containsPattern("java\\.util\\.concurrent\\.ThreadPerTaskExecutor@\\p{XDigit}+: "
                + CatalogTarget.MAILBOX_VTHREADS + " virtual threads\n");
        assertThat(out).contains("1 wait while mounted, PINNING their carrier")
                .containsPattern("\"cat-vt-pinned\" WAITING on carrier \"[^\"]+\" \\(#\\d+\\) at"
                        + " dev\\.thaw\\.catalog\\.targets\\.CatalogTarget\\.await\\(");
    }

    /** The one line of {@code out} that contains {@code text} (the first, when several do). */
    private static String line(String out, String text) {
        return out.lines().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + text + " in:\n" + out));
    }
}
