package dev.thaw.jvm.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.ProgressSink;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.jvm.ProbeTarget;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The Java probe round trip, server side: wall time of {@code InjectionService.inject} (what
 * inject_script runs) from the call to the completed result with its output, Java probes through
 * {@link JvmInjector}. Opt-in: {@code ./mvnw -o -pl mcp-server -am test -Dtest=ProbeBenchmarkTest
 * -Dthaw.bench=true -Dsurefire.failIfNoSpecifiedTests=false}; results in
 * {@code mcp-server/target/bench-probe.txt}.
 *
 * <ol>
 *   <li>cold: a fresh injection service in a thaw JVM whose javac never ran, and a fresh target:
 *       javac's first compilation (the warm-up it starts is still running), the attach handshake,
 *       the agent load;</li>
 *   <li>first probe into a fresh target, thaw's compiler warm (a server that has been up): compile
 *       + attach + agent load;</li>
 *   <li>later probes, agent resident: a new source each time (warm javac), and the same source
 *       again (compiled once, cached).</li>
 * </ol>
 */
@EnabledIfSystemProperty(named = "thaw.bench", matches = "true")
class ProbeBenchmarkTest {

    private static final int RUNS = 30;

    @Test
    void probeRoundTrips() throws Exception {
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "loadavg %s%n", Files.readString(Path.of("/proc/loadavg")).trim()));
        for (int feature : new int[] {17, 25}) {
          JvmInjector injector = new JvmInjector(new AttachClients(ProcFs.system()));
          try (InjectionService engine = InjectionService.start(ProcFs.system(), List.of(injector),
                  new InjectionDirs(ProcFs.system(), Files.createTempDirectory("thaw-bench-journal")))) {
            double cold;
            try (Target t = TestJdks.start(TestJdks.require(feature), ProbeTarget.class)) {
                cold = once(engine, t, "out.print(\"cold\");");
            }
            List<Double> first = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                try (Target t = TestJdks.start(TestJdks.require(feature), ProbeTarget.class)) {
                    first.add(once(engine, t, "out.print(\"first " + i + "\");"));
                }
            }
            List<Double> fresh = new ArrayList<>();
            List<Double> same = new ArrayList<>();
            try (Target t = TestJdks.start(TestJdks.require(feature), ProbeTarget.class)) {
                once(engine, t, "out.print(0);");
                for (int i = 0; i < 5; i++) {
                    once(engine, t, "out.print(\"warm " + i + "\");");
                }
                for (int i = 0; i < RUNS; i++) {
                    fresh.add(once(engine, t, "out.print(dev.thaw.testing.jvm.ProbeTarget.HEARTBEAT.get() + " + i + ");"));
                    same.add(once(engine, t, "out.print(dev.thaw.testing.jvm.ProbeTarget.secret);"));
                }
                assertThat(injector.engine().loads(injector.engine().identify(t.pid()).orElseThrow())).isEqualTo(1);
            }
            report.append(String.format(Locale.ROOT, "JDK %d target, thaw on %s:%n", feature, Runtime.version()));
            report.append(String.format(Locale.ROOT, "  cold thaw + fresh target      %8.1f ms%n", cold));
            report.append(String.format(Locale.ROOT, "  first probe, fresh target     %s%n", stats(first)));
            report.append(String.format(Locale.ROOT, "  later, new source each time   %s%n", stats(fresh)));
            report.append(String.format(Locale.ROOT, "  later, same source (cached)   %s%n", stats(same)));
          }
        }
        Path out = Path.of("target/bench-probe.txt");
        Files.writeString(out, report);
        System.err.print(report);
    }

    private static double once(InjectionService service, Target t, String code) {
        long t0 = System.nanoTime();
        InjectionResult r = service.inject(InjectionRequest.of(t.pid(), code).withTimeout(Duration.ofSeconds(30)),
                ProgressSink.NONE);
        double ms = (System.nanoTime() - t0) / 1e6;
        assertThat(r.state()).as("%s", r).isEqualTo("completed");
        return ms;
    }

    private static String stats(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return String.format(Locale.ROOT, "median %7.1f ms [%.1f–%.1f] n=%d", s.get(s.size() / 2), s.get(0),
                s.get(s.size() - 1), s.size());
    }
}
