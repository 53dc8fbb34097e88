package dev.thaw.jvm.probe;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Issue 5's probe numbers, server side, wall time from "run this source in JVM PID" to the
 * completed status and output read back (engine + a minimal directory lifecycle, see
 * {@link ProbeHarness}). Opt-in: {@code ./mvnw -o -pl mcp-server -am test -Dtest=ProbeBenchmarkTest
 * -Dthaw.bench=true -Dsurefire.failIfNoSpecifiedTests=false}; results in
 * {@code mcp-server/target/bench-probe.txt}.
 *
 * <ol>
 *   <li>cold: a fresh thaw JVM (javac never ran) and a fresh target: javac's first compilation,
 *       the attach handshake, the agent load;</li>
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
            JvmProbeEngine engine = new JvmProbeEngine(ProcFs.system(), new ProbeCompiler());
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
                assertThat(engine.loads(engine.identify(t.pid()).orElseThrow())).isEqualTo(1);
            }
            report.append(String.format(Locale.ROOT, "JDK %d target, thaw on %s:%n", feature, Runtime.version()));
            report.append(String.format(Locale.ROOT, "  cold thaw + fresh target      %8.1f ms%n", cold));
            report.append(String.format(Locale.ROOT, "  first probe, fresh target     %s%n", stats(first)));
            report.append(String.format(Locale.ROOT, "  later, new source each time   %s%n", stats(fresh)));
            report.append(String.format(Locale.ROOT, "  later, same source (cached)   %s%n", stats(same)));
        }
        Path out = Path.of("target/bench-probe.txt");
        Files.writeString(out, report);
        System.err.print(report);
    }

    private static double once(JvmProbeEngine engine, Target t, String code) throws Exception {
        ProbeHarness.Result r = ProbeHarness.run(engine, t.pid(), ProbeHarness.spec(code), Duration.ofSeconds(30));
        assertThat(r.state()).as("%s", r.status()).isEqualTo("completed");
        return r.ms();
    }

    private static String stats(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return String.format(Locale.ROOT, "median %7.1f ms [%.1f–%.1f] n=%d", s.get(s.size() / 2), s.get(0),
                s.get(s.size() - 1), s.size());
    }
}
