package dev.thaw.catalog;

import dev.thaw.demo.Scenario;
import dev.thaw.testing.jvm.SynchronizerHangs;
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
 * jvm.synchronizers and jvm.threads against {@link SynchronizerHangs} on JDK 8, 11, 17, 21 and 25: a leaked Semaphore permit, a
 * latch nothing counts down and a CompletableFuture nothing completes each draw their verdict, with the
 * synchronizer's state and the static field that holds it; the same JVM with a live "releaser" draws none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JvmSynchronizersIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private final InjectionService service;

    JvmSynchronizersIT() throws Exception {
        ProcFs proc = ProcFs.system();
        service = InjectionService.start(proc, List.of(new JvmInjector(new AttachClients(proc))),
                new InjectionDirs(proc, Files.createTempDirectory("thaw-jvm-sync")));
    }

    @AfterAll
    void stop() {
        service.close();
    }

    private InjectionResult run(TestJdks.Target t) {
        return run(t, "jvm.synchronizers");
    }

    private InjectionResult run(TestJdks.Target t, String id) {
        return run(t.pid(), id, "dev.thaw.testing.jvm.");
    }

    private InjectionResult run(int pid, String id, String prefix) {
        InjectionRequest request = ScriptSource.diagnostic(Catalog.system(), id,
                        Map.of("prefix", prefix), null)
                .request(pid, ThreadChoice.AUTO, InjectionMode.THREAD, WAIT, null, InjectionRequest.DEFAULT_OUTPUT_CAP);
        InjectionResult r = service.inject(request, ProgressSink.NONE);
        assertThat(r.state()).as(r.toString()).isEqualTo("completed");
        System.out.println(r.output());
        return r;
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void leakedPermitLatchAndFutureDrawTheirVerdicts(int feature) {
        try (TestJdks.Target t = TestJdks.launch(TestJdks.require(feature), SynchronizerHangs.class)
                .readyTimeout(Duration.ofSeconds(60)).start()) {
            InjectionResult r = run(t);
            assertThat(r.output())
                    .containsPattern("java.util.concurrent.Semaphore\\$NonfairSync@\\p{XDigit}+ \\(permits 0, 2 queued: \"upload-[12]\", \"upload-[12]\"\\)")
                    .containsPattern("waiting in Semaphore.acquireUninterruptibly\\(\\) called from (app//)?dev.thaw.testing.jvm.SynchronizerHangs.upload\\(")
                    .doesNotContain("parked: \"thaw-")
                    .containsPattern("java.util.concurrent.CountDownLatch\\$Sync@\\p{XDigit}+ \\(count 1, 1 queued: \"report-waiter\"\\)")
                    .contains("dev.thaw.testing.jvm.SynchronizerHangs.UPLOAD_SLOTS = java.util.concurrent.Semaphore@")
                    .contains("dev.thaw.testing.jvm.SynchronizerHangs.REPORT_DONE = java.util.concurrent.CountDownLatch@")
                    .contains("dev.thaw.testing.jvm.SynchronizerHangs.QUOTE = java.util.concurrent.CompletableFuture@")
                    .contains("(not completed, 1 dependent(s) or waiter(s))")
                    .doesNotContain("state null").doesNotContain("permits null");
            assertThat(r.verdicts()).extracting(Verdict::kind)
                    .containsExactlyInAnyOrder("leaked-permit", "latch-never-counted-down", "nothing-will-complete");
            assertThat(r.verdicts()).filteredOn(v -> v.kind().equals("nothing-will-complete"))
                    .allSatisfy(v -> assertThat(v.conclusion()).contains("\"quote-waiter\""));

            InjectionResult threads = run(t, "jvm.threads");
            assertThat(threads.output())
                    .contains("\"quote-fetcher\" (TERMINATED), held by dev.thaw.testing.jvm.SynchronizerHangs.WORKERS")
                    .contains("default uncaught-exception handler: dev.thaw.testing.jvm.SynchronizerHangs$$Lambda")
                    .contains("SynchronizerHangs$$Lambda");
            if (threads.output().contains("not judged: this JVM has no javap")) {
                // a JRE (the JDK 8 and 11 homes of the test bed): handlers are listed, not judged
                assertThat(threads.verdicts()).isEmpty();
            } else {
                assertThat(threads.output())
                        .contains("SWALLOWS: the bytecode of SynchronizerHangs.<lambda>(Thread, Throwable) calls nothing");
                assertThat(threads.verdicts()).extracting(Verdict::kind).containsExactly("swallowed-exception");
            }
        }
    }

    /**
     * java-latch-dead-counter: the main thread sleeps in application code, so "nothing else does application
     * work" does not hold; the latch is judged from references instead: it is in no static field and in no
     * live thread's task but its waiter's, and the loaders created after the waiter are gone. (JDK 21 of the
     * test bed runs in the sid root, where thaw's class path does not exist: 17 and 25.)
     */
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void aLatchWhoseCounterDiedWhileMainSleepsDrawsItsVerdict(int feature) {
        try (Scenario s = Scenario.startJava("java-latch-dead-counter", TestJdks.require(feature).java())) {
            InjectionResult r = run(s.pid(), "jvm.synchronizers", "");
            assertThat(r.output()).containsPattern("java.util.concurrent.CountDownLatch\\$Sync@\\p{XDigit}+ \\(count 1, 1 queued: \"startup-coordinator\"\\)")
                    .contains("other thread(s) doing application work: \"main\"");
            assertThat(r.verdicts()).extracting(Verdict::kind).containsExactly("latch-never-counted-down");
            Verdict v = r.verdicts().get(0);
            assertThat(v.conclusion()).contains("still counts 1").contains("likely");
            assertThat(String.join("\n", v.evidence()))
                    .contains("\"startup-coordinator\" parked without a timeout")
                    .contains("\"main\" still run application code, but only pause there (a timed wait or sleep) and none of them references it")
                    .containsPattern("[3-9]\\d* thread id\\(s\\) handed out after \"startup-coordinator\"");
        }
    }

    /** The healthy twin: the latch only in main's local variable, main asleep and due to count it down. */
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 21, 25})
    void aLatchHeldInTheSleepingCountersLocalDrawsNoVerdict(int feature) {
        try (TestJdks.Target t = TestJdks.launch(TestJdks.require(feature), dev.thaw.testing.jvm.LatchInLocal.class)
                .readyTimeout(Duration.ofSeconds(60)).start()) {
            InjectionResult r = run(t);
            assertThat(r.output()).containsPattern("CountDownLatch\\$Sync@\\p{XDigit}+ \\(count 1, 1 queued: \"local-latch-waiter\"\\)")
                    .contains("other thread(s) doing application work: \"main\"");
            assertThat(r.verdicts()).isEmpty();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void aLiveReleaserMeansNoVerdict(int feature) {
        try (TestJdks.Target t = TestJdks.launch(TestJdks.require(feature), SynchronizerHangs.class).args("healthy")
                .readyTimeout(Duration.ofSeconds(60)).start()) {
            InjectionResult r = run(t);
            assertThat(r.output()).contains("other thread(s) doing application work: \"releaser\"");
            assertThat(r.verdicts()).isEmpty();
            InjectionResult threads = run(t, "jvm.threads");
            assertThat(threads.output()).contains("default uncaught-exception handler: "
                    + "dev.thaw.testing.jvm.SynchronizerHangs$LoggingHandler\n");
            assertThat(threads.verdicts()).isEmpty();
        }
    }
}
