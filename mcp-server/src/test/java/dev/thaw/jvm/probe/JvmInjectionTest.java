package dev.thaw.jvm.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.OutputPage;
import dev.thaw.inject.ProgressSink;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.jvm.ProbeTarget;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Java probes through the one injection lifecycle (dev.thaw.inject): states, timeouts and
 * read_output exactly as for Python, against real JDK 17 and 25 JVMs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JvmInjectionTest {

    private final ProcFs proc = ProcFs.system();
    private final InjectionDirs dirs;
    private final InjectionService service;
    private final Map<Integer, Target> targets = new HashMap<>();

    JvmInjectionTest() throws Exception {
        dirs = new InjectionDirs(proc, Files.createTempDirectory("thaw-jvm-journal"));
        service = InjectionService.start(proc, List.of(new JvmInjector(new AttachClients(proc))), dirs);
    }

    @AfterAll
    void stop() {
        service.close();
        targets.values().forEach(Target::close);
    }

    private Target target(int feature) {
        return targets.computeIfAbsent(feature, f -> TestJdks.start(TestJdks.require(f), ProbeTarget.class));
    }

    private InjectionResult inject(InjectionRequest r) {
        return service.inject(r, ProgressSink.NONE);
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void completedFailedTimedOutAndPagedOutput(int feature) throws Exception {
        Target t = target(feature);
        InjectionResult ok = inject(InjectionRequest.of(t.pid(), "for (int i = 0; i < 5000; i++) out.println(\"line \" + i);"
                + " out.print(params.get(\"x\"));").withParams(Map.of("x", 42)));
        assertThat(ok.state()).as("%s", ok).isEqualTo("completed");
        assertThat(ok.delivered()).isTrue();
        assertThat(ok.more()).isTrue(); // > 16 KiB preview: page the rest
        StringBuilder all = new StringBuilder(ok.output());
        long offset = ok.nextOffset();
        OutputPage page;
        do {
            page = service.readOutput(ok.injectionId(), offset, 64 * 1024, Duration.ZERO);
            all.append(page.text());
            offset = page.nextOffset();
        } while (!page.complete());
        assertThat(all.toString()).startsWith("line 0\n").endsWith("line 4999\n42");
        assertThat(ok.timings().deliveredMs()).isNotNull();
        if (feature >= 21) {
            assertThat(ok.notes()).anyMatch(n -> n.contains("dynamic-agent warning"));
        }

        InjectionResult compile = inject(InjectionRequest.of(t.pid(), "int x = nope;"));
        assertThat(compile.state()).isEqualTo("failed");
        assertThat(compile.error()).contains("ThawProbe.java:1:9: cannot find symbol");

        InjectionResult thrown = inject(InjectionRequest.of(t.pid(), "throw new IllegalStateException(\"boom\");"));
        assertThat(thrown.state()).isEqualTo("failed");
        assertThat(thrown.errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(thrown.traceback()).contains("at ThawProbe.run(ThawProbe.java:1)");

        InjectionResult loop = inject(InjectionRequest.of(t.pid(), "while (true) { }").withTimeout(Duration.ofMillis(700)));
        assertThat(loop.state()).isEqualTo("timed_out");
        OutputPage late = service.readOutput(loop.injectionId(), 0, 1024, Duration.ofSeconds(5));
        assertThat(late.state()).isEqualTo("failed");
        assertThat(late.error()).contains("abandoned");

        assertThatThrownBy(() -> inject(InjectionRequest.of(t.pid(), "out.print(1);").withMode(InjectionMode.INLINE)))
                .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.getMessage()).contains("inline"));

        InjectionResult after = inject(InjectionRequest.of(t.pid(), "out.print(dev.thaw.testing.jvm.ProbeTarget.secret);"));
        assertThat(after.output()).isEqualTo("hello from the target");
        dirs.awaitRemovals(Duration.ofSeconds(5));
        try (Stream<Path> s = Files.list(Path.of("/proc/" + t.pid() + "/root/tmp"))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("thaw-inj-" + dirs.owner()))).isEmpty();
        }
        long warnings = t.stderr().lines().filter(l -> l.startsWith("WARNING: A Java agent has been loaded dynamically")).count();
        assertThat(warnings).isEqualTo(feature >= 21 ? 1 : 0);
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void rootRunsAProbeInAnotherUsersJvm(int feature) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start()
                .getInputStream().readAllBytes()).trim()), "needs root to run a JVM as another user");
        try (Target t = TestJdks.launch(TestJdks.require(feature), ProbeTarget.class)
                .asUser("65534", "65534").start()) {
            if (feature == 8) {
                // JDK 8 accepts attach from its own uid and gid only: a clear refusal, nothing sent
                assertThatThrownBy(() -> inject(InjectionRequest.of(t.pid(), "out.print(1);")))
                        .isInstanceOfSatisfying(ThawException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.ATTACH_NEEDS_JVM_USER);
                            assertThat(e.fix()).contains("Run thaw as the JVM's user");
                        });
                assertThat(t.stdout()).doesNotContain("Full thread dump");
                return;
            }
            InjectionResult r = inject(InjectionRequest.of(t.pid(), "out.print(System.getProperty(\"user.name\"));"));
            assertThat(r.state()).as("%s", r).isEqualTo("completed");
            assertThat(r.output()).isEqualTo("nobody");
            InjectionResult again = inject(InjectionRequest.of(t.pid(), "out.print(2);"));
            assertThat(again.output()).isEqualTo("2"); // through the resident agent, files owned by nobody
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17})
    void targetExitsWhileTheProbeRuns(int feature) throws Exception {
        try (Target t = TestJdks.start(TestJdks.require(feature), ProbeTarget.class)) {
            InjectionResult r = inject(InjectionRequest.of(t.pid(), "out.println(\"bye\"); out.flush(); System.exit(3);"));
            assertThat(r.state()).isIn("target_exited", "completed");
        }
    }
}
