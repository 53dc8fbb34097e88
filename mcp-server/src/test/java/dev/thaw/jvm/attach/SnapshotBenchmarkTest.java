package dev.thaw.jvm.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thaw.jvm.JvmThreadDump;
import dev.thaw.jvm.ThreadDumpParser;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Jdk;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.jvm.LockScenarios;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The JVM snapshot benchmark: a 1000-thread JDK 17 JVM with its attach socket already up;
 * in-process snapshot (Thread.print -l -e over the socket, parse, wait-for graph) median versus
 * {@code jstack -l PID} as a whole process, in the same run. Opt-in, it takes ~30 s:
 * {@code ./mvnw -o -pl mcp-server test -Dtest=SnapshotBenchmarkTest -Dthaw.bench=true}.
 * Results go to {@code mcp-server/target/bench-snapshot.txt}.
 */
@EnabledIfSystemProperty(named = "thaw.bench", matches = "true")
class SnapshotBenchmarkTest {

    private final AttachClients clients = new AttachClients(ProcFs.system());

    private static final int WARMUP = 10;
    private static final int RUNS = 30;
    private static final int JSTACK_RUNS = 7;

    @Test
    void snapshotOfAThousandThreadJdk17() throws Exception {
        Jdk jdk = TestJdks.require(17);
        try (Target t = TestJdks.launch(jdk, LockScenarios.class).args("monitor", "juc", "idle=1000").start()) {
            AttachClient c = clients.to(t.pid());
            c.vmVersion(); // socket up, protocol known: the benchmark's precondition
            for (int i = 0; i < WARMUP; i++) {
                snapshot(c);
            }
            List<Double> total = new ArrayList<>();
            List<Double> attach = new ArrayList<>();
            int threads = 0;
            int bytes = 0;
            for (int i = 0; i < RUNS; i++) {
                long t0 = System.nanoTime();
                String text = c.threadDump();
                long t1 = System.nanoTime();
                JvmThreadDump d = ThreadDumpParser.parse(text);
                int cycles = d.waitForGraph().cycles().size();
                long t2 = System.nanoTime();
                assertThat(cycles).isEqualTo(2);
                attach.add((t1 - t0) / 1e6);
                total.add((t2 - t0) / 1e6);
                threads = d.threads().size();
                bytes = text.length();
            }
            // The whole snapshot tool, one sample: identification (cached after the first), the dump,
            // the kernel view of 1000 threads, assembly, ranking.
            List<Double> tool = new ArrayList<>();
            dev.thaw.jvm.snapshot.JvmSnapshotter snapshotter = new dev.thaw.jvm.snapshot.JvmSnapshotter(clients);
            for (int i = 0; i < RUNS; i++) {
                long t0 = System.nanoTime();
                snapshotter.snapshot(t.pid(), dev.thaw.snapshot.SnapshotRequest.of(1, null, null, null));
                tool.add((System.nanoTime() - t0) / 1e6);
            }
            List<Double> jstack = new ArrayList<>();
            for (int i = 0; i < JSTACK_RUNS; i++) {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder(jdk.tool("jstack").toString(), "-l", Integer.toString(t.pid()))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                jstack.add((System.nanoTime() - t0) / 1e6);
                assertThat(p.exitValue()).isZero();
            }
            String report = String.format(
                    "JDK %s target, %d threads, %d chars of Thread.print -l -e, %d cores, loadavg %s%n"
                            + "snapshot in-process (attach+read+parse+graph), %d runs: median %.1f ms [min %.1f, max %.1f]%n"
                            + "  of which attach exchange: median %.1f ms%n"
                            + "snapshot tool (JvmSnapshotter, 1 sample, kernel view incl.), %d runs: median %.1f ms [min %.1f, max %.1f]%n"
                            + "jstack -l whole process, %d runs: median %.1f ms [min %.1f, max %.1f]%n"
                            + "ratio snapshot/jstack: %.2f%n",
                    t.ready("version"), threads, bytes, Runtime.getRuntime().availableProcessors(),
                    Files.readString(Path.of("/proc/loadavg")).trim(),
                    RUNS, median(total), Collections.min(total), Collections.max(total), median(attach),
                    RUNS, median(tool), Collections.min(tool), Collections.max(tool),
                    JSTACK_RUNS, median(jstack), Collections.min(jstack), Collections.max(jstack),
                    median(total) / median(jstack));
            Files.writeString(Path.of("target/bench-snapshot.txt"), report);
            org.slf4j.LoggerFactory.getLogger(SnapshotBenchmarkTest.class).warn("\n{}", report);
        }
    }

    private static void snapshot(AttachClient c) {
        ThreadDumpParser.parse(c.threadDump()).waitForGraph();
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
