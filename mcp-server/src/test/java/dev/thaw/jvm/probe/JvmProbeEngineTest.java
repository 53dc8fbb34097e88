package dev.thaw.jvm.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thaw.jvm.JvmThread;
import dev.thaw.jvm.JvmThreadDump;
import dev.thaw.jvm.ThreadDumpParser;
import dev.thaw.jvm.WaitForGraph;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.jvm.ProbeTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Java probes end to end against real JDK 17 and 25 JVMs: one target per JDK serves every test
 * (in order), so the last test can check that the agent was loaded once and left no file behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JvmProbeEngineTest {

    private final AttachClients attach = new AttachClients(ProcFs.system());

    private final JvmProbeEngine engine = new JvmProbeEngine(attach, new ProbeCompiler());
    private final Map<Integer, Target> targets = new HashMap<>();

    private Target target(int feature) {
        return targets.computeIfAbsent(feature, f -> TestJdks.start(TestJdks.require(f), ProbeTarget.class));
    }

    @AfterAll
    void stop() {
        targets.values().forEach(Target::close);
    }

    private ProbeHarness.Result run(Target t, String code) throws Exception {
        return ProbeHarness.run(engine, t.pid(), ProbeHarness.spec(code), Duration.ofSeconds(20));
    }

    private ProbeHarness.Result run(Target t, ProbeSpec spec, Duration wait) throws Exception {
        return ProbeHarness.run(engine, t.pid(), spec, wait);
    }

    @Order(1)
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void snippetRoundTrip(int feature) throws Exception {
        Target t = target(feature);
        ProbeSpec spec = new ProbeSpec("""
                out.println("secret=" + dev.thaw.testing.jvm.ProbeTarget.secret);
                out.println("param=" + params.get("who") + " n=" + params.get("n"));
                out.println("thread=" + Thread.currentThread().getName() + " daemon=" + Thread.currentThread().isDaemon());
                out.print("é✓");""", Map.of("who", "thaw", "n", 3), Duration.ofSeconds(10), 1 << 20, "auto");
        ProbeHarness.Result r = run(t, spec, Duration.ofSeconds(20));
        assertThat(r.state()).as("%s", r.status()).isEqualTo("completed");
        assertThat(r.output()).startsWith("secret=hello from the target\nparam=thaw n=3\nthread=thaw-probe-inj")
                .endsWith(" daemon=true\né✓");
        assertThat(r.status()).containsKeys("armedTid", "tid", "deliveredNs", "runningNs", "endedNs", "elapsedMs");
        assertThat(r.status().get("outputBytes")).isEqualTo(r.output().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        if (feature >= 21) {
            assertThat(r.notes()).contains(JvmProbeEngine.WARNING_NOTE);
        } else {
            assertThat(r.notes()).doesNotContain(JvmProbeEngine.WARNING_NOTE);
        }
    }

    @Order(2)
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void fullClassWithHelperClassesAndReflection(int feature) throws Exception {
        ProbeHarness.Result r = run(target(feature), """
                import dev.thaw.agent.Probe;
                import java.io.PrintWriter;
                import java.util.Map;

                public class Secrets implements Probe {
                    static final class Helper {
                        String read() throws Exception {
                            java.lang.reflect.Field f = Class.forName("dev.thaw.testing.jvm.ProbeTarget").getField("secret");
                            return (String) f.get(null);
                        }
                    }

                    @Override
                    public void run(Map<String, String> params, PrintWriter out) throws Exception {
                        out.println(new Helper().read() + " via " + getClass().getClassLoader());
                    }
                }
                """);
        assertThat(r.state()).as("%s", r.status()).isEqualTo("completed");
        assertThat(r.output()).isEqualTo("hello from the target via thaw-probe-loader\n");
        assertThat(r.notes()).doesNotContain(JvmProbeEngine.WARNING_NOTE); // loaded once, by the first probe
    }

    @Order(3)
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void probeThatDoesNotCompileReturnsTheCompilersDiagnostics(int feature) throws Exception {
        ProbeHarness.Result r = run(target(feature), """
                int fine = 1;
                int broken = undefinedVariable + fine;
                String s = fine;
                out.println(broken);""");
        assertThat(r.state()).isEqualTo("failed");
        assertThat(r.status()).containsEntry("phase", "compile").containsEntry("errorType", "CompilationError");
        assertThat(r.error()).isEqualTo("ThawProbe.java:2:14: cannot find symbol (symbol:   variable undefinedVariable,"
                + " location: class ThawProbe)\nThawProbe.java:3:12: incompatible types: int cannot be converted to java.lang.String");
        assertThat((String) r.status().get("traceback")).contains("    int broken = undefinedVariable + fine;\n"
                + "                 ^\n").contains("2 errors");

        ProbeHarness.Result syntax = run(target(feature), "out.println(1)\nout.println(2);");
        assertThat(syntax.error()).isEqualTo("ThawProbe.java:1:15: ';' expected");
        assertThat((String) syntax.status().get("traceback")).contains("    out.println(1)\n                  ^");

        ProbeHarness.Result noProbe = run(target(feature), "public class NotAProbe { }");
        assertThat(noProbe.state()).isEqualTo("failed");
        assertThat(noProbe.error()).contains("no class implements dev.thaw.agent.Probe");
    }

    @Order(4)
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void probeThatThrowsFailsWithItsStackTrace(int feature) throws Exception {
        ProbeHarness.Result r = run(target(feature), """
                out.println("before");
                helper();
                }
                static void helper() {
                    throw new IllegalStateException("boom", new java.io.IOException("root cause"));""");
        assertThat(r.state()).isEqualTo("failed");
        assertThat(r.status()).doesNotContainKey("phase");
        assertThat(r.status()).containsEntry("errorType", "java.lang.IllegalStateException");
        assertThat(r.error()).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat((String) r.status().get("traceback"))
                .contains("at ThawProbe.helper(ThawProbe.java:5)").contains("at ThawProbe.run(ThawProbe.java:2)")
                .contains("Caused by: java.io.IOException: root cause").doesNotContain("dev.thaw.agent");
        assertThat(r.output()).isEqualTo("before\n");
    }

    @Order(5)
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void loopingProbeTimesOutAndTheTargetKeepsRunning(int feature) throws Exception {
        Target t = target(feature);
        ProbeSpec loop = new ProbeSpec("out.println(\"spinning\"); out.flush(); long n = 0; while (n >= 0) { n++; }",
                Map.of(), Duration.ofMillis(800), 1 << 20, "auto");
        long beat = heartbeat(t);
        ProbeHarness.Result r = run(t, loop, Duration.ofMillis(600));
        assertThat(r.state()).isEqualTo("timed_out");
        assertThat(r.status()).containsEntry("state", "running");
        assertThat(r.output()).isEqualTo("spinning\n"); // streamed while it runs
        try (ProbeHarness.Run run = r.run()) {
            Map<String, Object> late = run.await(Duration.ofSeconds(5));
            assertThat(late).containsEntry("state", "failed").containsEntry("errorType", "dev.thaw.agent.ProbeTimeout");
            assertThat((String) late.get("error")).contains("timed out after 800 ms").contains("abandoned");
            assertThat((String) late.get("traceback")).contains("RUNNABLE").contains("at ThawProbe.run(ThawProbe.java:1)");
        }
        assertThat(heartbeat(t)).isGreaterThan(beat + 20); // 10 ms beats went on meanwhile
        assertThat(run(t, "out.print(1+1);").output()).isEqualTo("2");
    }

    @Order(6)
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void probeBlockedOnAnApplicationMonitorTimesOutAndTheTargetIsFine(int feature) throws Exception {
        Target t = target(feature);
        ProbeSpec blocked = new ProbeSpec("synchronized (dev.thaw.testing.jvm.ProbeTarget.LOCK) { out.println(\"got it\"); }",
                Map.of(), Duration.ofMillis(500), 1 << 20, "auto");
        long beat = heartbeat(t);
        ProbeHarness.Result r = run(t, blocked, Duration.ofMillis(300));
        assertThat(r.state()).isEqualTo("timed_out");
        try (ProbeHarness.Run run = r.run()) {
            Map<String, Object> late = run.await(Duration.ofSeconds(5));
            assertThat(late).containsEntry("state", "failed").containsEntry("errorType", "dev.thaw.agent.ProbeTimeout");
            assertThat((String) late.get("traceback")).contains("BLOCKED");
        }
        assertThat(heartbeat(t)).isGreaterThan(beat + 20);

        // Interruptible waits end at the timeout instead of being abandoned.
        ProbeSpec sleeper = new ProbeSpec("Thread.sleep(60_000);", Map.of(), Duration.ofMillis(300), 1 << 20, "auto");
        ProbeHarness.Result s = run(t, sleeper, Duration.ofSeconds(5));
        assertThat(s.state()).isEqualTo("failed");
        assertThat(s.error()).startsWith("timed out after 300 ms and interrupted: java.lang.InterruptedException");
    }

    @Order(7)
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void threadMxBeanInsideTheTargetAgreesWithTheParsedDump(int feature) throws Exception {
        Target t = target(feature);
        ProbeHarness.Result r = run(t, """
                ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                for (ThreadInfo i : mx.dumpAllThreads(true, true)) {
                    if (i.getThreadName().startsWith("thaw-")) continue;
                    out.println(i.getThreadName() + "|" + i.getThreadState() + "|" + i.getLockOwnerName()
                        + "|" + i.getLockedMonitors().length + "|" + i.getLockedSynchronizers().length);
                }""");
        assertThat(r.state()).as("%s", r.status()).isEqualTo("completed");
        JvmThreadDump dump = ThreadDumpParser.parse(attach.to(t.pid()).threadDump());
        WaitForGraph graph = dump.waitForGraph();
        Map<String, String[]> mx = new HashMap<>();
        for (String line : r.output().split("\n")) {
            String[] f = line.split("\\|");
            mx.put(f[0], f);
        }
        for (String name : List.of("main", "holder", "blocked", "heartbeat")) {
            JvmThread d = dump.thread(name).orElseThrow();
            String[] m = mx.get(name);
            assertThat(m).as(name).isNotNull();
            if (!name.equals("heartbeat")) { // it alternates between sleeping and running
                assertThat(d.state().name()).as(name).isEqualTo(m[1]);
            }
            String owner = graph.edgeFrom(d.tid()).map(WaitForGraph.Edge::owner).orElse("null");
            assertThat(owner).as(name + " lock owner").isEqualTo(m[2]);
        }
        assertThat(mx.get("blocked")[2]).isEqualTo("holder");
        assertThat(dump.thread("holder").orElseThrow().heldMonitors()).hasSize(Integer.parseInt(mx.get("holder")[3]));
        assertThat(dump.thread("holder").orElseThrow().ownableSynchronizers())
                .hasSize(Integer.parseInt(mx.get("holder")[4]));
        // ThreadMXBean leaves out the JVM's hidden threads (compiler threads, Service Thread): every
        // thread it shows is in the dump.
        assertThat(dump.threads().stream().map(JvmThread::name).toList()).containsAll(mx.keySet());
    }

    @Order(8)
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void loaderOfAChosenThread(int feature) throws Exception {
        Target t = target(feature);
        ProbeSpec spec = new ProbeSpec("out.print(getClass().getClassLoader().getParent() == ClassLoader.getSystemClassLoader());",
                Map.of(), Duration.ofSeconds(10), 1 << 20, "main");
        ProbeHarness.Result r = run(t, spec, Duration.ofSeconds(20));
        assertThat(r.output()).isEqualTo("true"); // main's context loader is the system loader
    }

    @Order(9)
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void aRequestWhoseServerIsGoneNeverRuns(int feature) throws Exception {
        Target t = target(feature);
        JvmTarget target = engine.identify(t.pid()).orElseThrow();
        try (ProbeHarness.Run run = new ProbeHarness.Run(t.pid())) {
            JvmProbeEngine.Prepared p = engine.prepare(target, run, "inj-gone", ProbeHarness.spec("out.println(\"ran\");"));
            run.dropAlive(); // the server dies between writing the request and the agent picking it up
            engine.deliver(target, run, p);
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (!Files.exists(run.hostPath().resolve("claim")) && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(run.hostPath().resolve("claim")).as("the resident agent picked the request up").exists();
            Thread.sleep(500);
            assertThat(run.status()).as("and ran nothing").isEmpty();
            assertThat(run.output()).isEmpty();
        }
    }

    @Order(100)
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void agentLoadedOnceAndNothingLeftInTheTargetsTmp(int feature) throws Exception {
        Target t = target(feature);
        for (int i = 0; i < 3; i++) {
            assertThat(run(t, "out.print(" + i + ");").output()).isEqualTo(Integer.toString(i));
        }
        JvmTarget jt = engine.identify(t.pid()).orElseThrow();
        assertThat(engine.loads(jt)).isEqualTo(1);
        long warnings = t.stderr().lines().filter(l -> l.startsWith("WARNING: A Java agent has been loaded dynamically")).count();
        assertThat(warnings).isEqualTo(feature >= 21 ? 1 : 0);
        assertThat(t.stderr().lines().filter(l -> !l.startsWith("WARNING:")).toList()).isEmpty();
        assertThat(t.stdout().lines().toList()).hasSize(1); // only READY: the agent never printed
        assertThat(thawFiles(t)).isEmpty();
        assertThat(attach.to(t.pid()).systemProperties().get("dev.thaw.agent")).startsWith("1 ").endsWith(" /tmp");
        assertThat(t.isAlive()).isTrue();
    }

    /** Files in the target's /tmp that thaw or its agent made (the harness directories are removed after each probe). */
    static List<String> thawFiles(Target t) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/" + t.pid() + "/root/tmp"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("thaw-inj-test" + ProcessHandle.current().pid() + "-")
                    || n.startsWith("thaw-agent"))
                    .toList();
        }
    }

    private ProbeHarness.Result heartbeatProbe(Target t) throws Exception {
        return run(t, "out.print(dev.thaw.testing.jvm.ProbeTarget.HEARTBEAT.get());");
    }

    private long heartbeat(Target t) throws Exception {
        return Long.parseLong(heartbeatProbe(t).output());
    }
}
