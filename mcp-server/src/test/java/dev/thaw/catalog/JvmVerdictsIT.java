package dev.thaw.catalog;

import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.ProgressSink;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.inject.Verdict;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.jvm.probe.JvmInjector;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.jvm.HealthyJvm;
import dev.thaw.testing.jvm.LockScenarios;
import dev.thaw.testing.jvm.PoolHangs;
import dev.thaw.testing.jvm.ThreadCrowd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verdicts of jvm.deadlocks, jvm.executors, jvm.class_histogram and jvm.virtual_threads on JDK 8, 17, 21 and
 * 25 (targets compiled at --release 8): each fires on its hang — a monitor and a ReentrantLock deadlock, a pool
 * whose workers wait for parts queued behind them, a pool whose workers all wait on a gate nothing opens — and
 * none fires on a healthy JVM, on a lock chain without a cycle, or on a pool that is busy with a backlog.
 * (The pinned virtual thread: JvmCatalogIT on JDK 25.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JvmVerdictsIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private final InjectionService service;

    JvmVerdictsIT() throws Exception {
        ProcFs proc = ProcFs.system();
        service = InjectionService.start(proc, List.of(new JvmInjector(new AttachClients(proc))),
                new InjectionDirs(proc, Files.createTempDirectory("thaw-jvm-verdicts")));
    }

    @AfterAll
    void stop() {
        service.close();
    }

    private InjectionResult run(TestJdks.Target t, String id) {
        return run(t.pid(), id);
    }

    private InjectionResult run(int pid, String id) {
        InjectionRequest request = ScriptSource.diagnostic(Catalog.system(), id, Map.of(), null)
                .request(pid, ThreadChoice.AUTO, InjectionMode.THREAD, WAIT, null, InjectionRequest.DEFAULT_OUTPUT_CAP);
        InjectionResult r = service.inject(request, ProgressSink.NONE);
        assertThat(r.state()).as(r.toString()).isEqualTo("completed");
        String all = InjectionOutput.whole(service, r);
        System.out.println("---- " + id + " ----\n" + (all.length() > 20_000 ? all.substring(0, 20_000) + "\n[...]" : all));
        assertThat(r.verdicts()).as("%s printed its @thaw-verdicts line", id).isNotNull();
        assertThat(all).contains("\nVerdicts:\n");
        return r;
    }

    private static TestJdks.Target start(int feature, Class<?> main, String... args) {
        return TestJdks.launch(TestJdks.require(feature), main).args(args).readyTimeout(Duration.ofSeconds(60)).start();
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 17, 21, 25})
    void aDeadlockCycleIsConcluded(int feature) {
        try (TestJdks.Target t = start(feature, LockScenarios.class, "monitor", "juc")) {
            List<Verdict> vs = run(t, "jvm.deadlocks").verdicts();
            assertThat(vs).extracting(Verdict::kind).containsExactly("deadlock", "deadlock");
            assertThat(vs).anySatisfy(v -> assertThat(v.conclusion()).contains("\"T-A\"").contains("\"T-B\""));
            assertThat(vs).anySatisfy(v -> assertThat(v.conclusion()).contains("\"T-C\"").contains("\"T-D\""));
            assertThat(vs).allSatisfy(v -> {
                assertThat(v.evidence()).anySatisfy(e -> assertThat(e).contains("LockScenarios"));
                assertThat(v.fix()).contains("global order");
            });
        }
    }

    /**
     * java-class-init-deadlock: two static initializers that need each other's class, from two threads. The
     * VM's thread dump names the class each waits for (JDK 17.0.x and 21+); JDK 21 of the test bed runs in the
     * sid root, where thaw's class path (the scenario's) does not exist: 17 and 25.
     */
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void aClassInitializationDeadlockIsConcluded(int feature) {
        try (dev.thaw.demo.Scenario s = dev.thaw.demo.Scenario.startJava("java-class-init-deadlock",
                TestJdks.require(feature).java())) {
            InjectionResult r = run(s.pid(), "jvm.deadlocks");
            assertThat(r.verdicts()).extracting(Verdict::kind).containsExactly("class-init-deadlock");
            Verdict v = r.verdicts().get(0);
            assertThat(v.conclusion()).contains("\"price-loader\"").contains("\"rate-loader\"")
                    .contains("dev.thaw.samples.java.ClassInitDeadlock$Prices")
                    .contains("dev.thaw.samples.java.ClassInitDeadlock$Rates");
            assertThat(v.evidence()).anySatisfy(e -> assertThat(e)
                    .contains("\"price-loader\" runs the static initializer of dev.thaw.samples.java.ClassInitDeadlock$Prices"
                            + " and waits for dev.thaw.samples.java.ClassInitDeadlock$Rates (\"rate-loader\" initialises it)"));
            assertThat(v.subject()).contains("ClassInitDeadlock$");
        }
    }

    /**
     * The same class of hang in a Java 8 target on every JDK of the test bed: where the VM's dump names the
     * class a thread waits for, the cycle is the verdict; where it does not, a note says it was not checked.
     */
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void aClassInitializationDeadlockIsConcludedWhereTheDumpNamesTheClass(int feature) {
        try (TestJdks.Target t = start(feature, dev.thaw.testing.jvm.ClassInitHang.class)) {
            InjectionResult r = run(t, "jvm.deadlocks");
            String out = InjectionOutput.whole(service, r);
            if (feature >= 17) {
                assertThat(r.verdicts()).extracting(Verdict::kind).containsExactly("class-init-deadlock");
                assertThat(r.verdicts().get(0).conclusion()).contains("\"fee-loader\"").contains("\"tax-loader\"")
                        .contains("ClassInitHang$Fees").contains("ClassInitHang$Taxes");
                assertThat(out).contains("\"fee-loader\" waits for dev.thaw.testing.jvm.ClassInitHang$Taxes, initialised by "
                        + "\"tax-loader\", at dev.thaw.testing.jvm.ClassInitHang$Fees.<clinit>(ClassInitHang.java:");
            } else {
                assertThat(r.verdicts()).isEmpty();
                assertThat(out).contains("note: threads are running static initializers, but this JVM's thread dump does "
                        + "not say which class a thread waits to see initialised");
            }
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 17, 21, 25})
    void aLockChainWithoutCycleIsNoDeadlock(int feature) {
        try (TestJdks.Target t = start(feature, LockScenarios.class, "waiter")) {
            InjectionResult r = run(t, "jvm.deadlocks");
            assertThat(r.output()).contains("No deadlock");
            assertThat(r.verdicts()).isEmpty();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 17, 21, 25})
    void poolStarvationAndSaturationAreConcluded(int feature) {
        try (TestJdks.Target t = start(feature, PoolHangs.class, "starved")) {
            List<Verdict> vs = run(t, "jvm.executors").verdicts();
            assertThat(vs).extracting(Verdict::kind).containsExactly("pool-starvation");
            assertThat(vs.get(0).subject()).startsWith("java.util.concurrent.ThreadPoolExecutor@");
            assertThat(vs.get(0).evidence()).anySatisfy(e -> assertThat(e).contains("\"render-").contains("FutureTask")
                    .contains("PoolHangs.render("));
        }
        try (TestJdks.Target t = start(feature, PoolHangs.class, "saturated")) {
            List<Verdict> vs = run(t, "jvm.executors").verdicts();
            assertThat(vs).extracting(Verdict::kind).containsExactly("pool-saturated");
            assertThat(vs.get(0).conclusion()).contains("3 queued task(s) cannot start");
            assertThat(vs.get(0).evidence()).anySatisfy(e -> assertThat(e).contains("\"upload-").contains("PoolHangs.uploadThroughGate("));
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 17, 21, 25})
    void aBusyPoolWithABacklogIsNoHang(int feature) {
        try (TestJdks.Target t = start(feature, PoolHangs.class, "busy")) {
            InjectionResult r = run(t, "jvm.executors");
            assertThat(r.output()).contains("\"crunch-1\"").contains("3 tasks");
            assertThat(r.verdicts()).isEmpty();
        }
    }

    /**
     * Bounds on a crowd: 10,000 parked platform threads on 5,001 latches. Every entry completes within the
     * injection's timeout and prints less than 200 KB (lists are cut by their max_* parameters).
     */
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17})
    void entriesStayBoundedOnACrowdOfTenThousandThreads(int feature) {
        try (TestJdks.Target t = TestJdks.launch(TestJdks.require(feature), ThreadCrowd.class)
                .readyTimeout(Duration.ofSeconds(120)).start()) {
            for (String id : List.of("jvm.deadlocks", "jvm.executors", "jvm.synchronizers", "jvm.threads",
                    "jvm.virtual_threads", "jvm.class_histogram")) {
                InjectionResult r = run(t, id);
                assertThat(r.outputBytes()).as(id).isLessThan(200_000);
            }
        }
    }

    /** A healthy JVM at rest: idle pools, a server in accept(), a CPU-bound worker; no entry concludes anything. */
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 17, 21, 25})
    void aHealthyJvmDrawsNoVerdict(int feature) {
        try (TestJdks.Target t = start(feature, HealthyJvm.class)) {
            for (String id : List.of("jvm.deadlocks", "jvm.executors", "jvm.class_histogram", "jvm.virtual_threads")) {
                InjectionResult r = run(t, id);
                assertThat(r.verdicts()).as(id).isEmpty();
            }
        }
    }
}
