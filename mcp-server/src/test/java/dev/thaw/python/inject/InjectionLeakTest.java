package dev.thaw.python.inject;

import dev.thaw.inject.InjectionResult;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** 200 injections in a row into one target leave nothing behind: no file, fd or thread, in the target or here. */
class InjectionLeakTest {

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void twoHundredSequentialInjectionsLeaveNothingBehind(String version) throws Exception {
        try (Injections injections = new Injections();
             TestPythons.Target t = TestPythons.start(version, PythonInjectionTest.BUSY_TARGET)) {
            PythonInjectionBadInputTest.assertHeartbeat(t);
            for (int i = 0; i < 10; i++) { // warm up: class loading, caches, the library precompiled
                assertThat(injections.inject(t.pid(), "print(1)").state()).isEqualTo("completed");
            }
            awaitSettled(injections, t.pid(), 2);
            long targetFds = count("/proc/" + t.pid() + "/fd");
            long targetThreads = count("/proc/" + t.pid() + "/task");
            long ourFds = count("/proc/self/fd");
            for (int i = 0; i < 200; i++) {
                InjectionResult r = injections.inject(t.pid(), "print('n', params['i'])", Map.of("i", i));
                assertThat(r.state()).as(r.toString()).isEqualTo("completed");
                assertThat(r.output()).isEqualTo("n " + i + "\n");
            }
            awaitSettled(injections, t.pid(), targetThreads);
            assertThat(count("/proc/" + t.pid() + "/task")).as("target threads").isEqualTo(targetThreads);
            assertThat(count("/proc/" + t.pid() + "/fd")).as("target fds").isEqualTo(targetFds);
            assertThat(count("/proc/self/fd")).as("thaw's fds").isEqualTo(ourFds);
            assertThat(injections.leftovers(t.pid())).as("files in the target's /tmp")
                    .noneMatch(n -> n.contains(injections.dirs.owner()));
            assertThat(injections.dirs.liveCount()).isZero();
            // and the target still runs, with its own streams back in place
            InjectionResult last = injections.inject(t.pid(), "import sys\nprint(type(sys.stdout._thaw_orig).__name__)");
            assertThat(last.output()).isEqualTo("TextIOWrapper\n");
            PythonInjectionBadInputTest.assertHeartbeat(t);
        }
    }

    /** Script threads exit right after their last status; directory removal runs on a clean-up thread. */
    private static void awaitSettled(Injections injections, int pid, long threads) throws Exception {
        injections.dirs.awaitRemovals(Duration.ofSeconds(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (count("/proc/" + pid + "/task") > threads && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static long count(String dir) throws IOException {
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            return s.count();
        }
    }
}
