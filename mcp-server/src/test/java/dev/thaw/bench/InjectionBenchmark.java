package dev.thaw.bench;

import dev.thaw.Json;
import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.ProgressSink;
import dev.thaw.proc.ProcFs;
import dev.thaw.python.inject.PythonInjector;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4's performance check: inject-to-completed round trip into a target whose main thread runs
 * a 10 ms sleep loop, thaw (in-process, server side) against the hand-made workflow done by machine
 * ({@code python3.14 -c "import sys; sys.remote_exec(PID, path)"} through the sid launcher, then
 * polling for the script's output file), interleaved in the same run against the same target.
 *
 * <p>A benchmark, not a timed test: it runs only with {@code -Dthaw.bench=true}:
 * <pre>./mvnw -o -q -pl mcp-server -am test -Dtest=InjectionBenchmark -Dthaw.bench=true -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * Results: the log and {@code mcp-server/target/benchmarks/injection.json}.
 */
class InjectionBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(InjectionBenchmark.class);
    private static final int WARMUP = Integer.getInteger("thaw.bench.warmup", 30);
    private static final int ROUNDS = Integer.getInteger("thaw.bench.rounds", 100);
    private static final String VERSION = System.getProperty("thaw.bench.python", "3.14");
    private static final String TARGET = """
            import time
            print('ready', flush=True)
            while True:
                time.sleep(0.01)
            """;

    @TempDir
    Path journal;

    @Test
    void injectToCompleted() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("thaw.bench"), "benchmark: run with -Dthaw.bench=true");
        ProcFs proc = ProcFs.system();
        Path launcher = TestPythons.require(VERSION);
        try (InjectionService thaw = InjectionService.start(proc, List.of(new PythonInjector(proc)),
                new InjectionDirs(proc, journal));
             TestPythons.Target target = TestPythons.start(VERSION, TARGET)) {
            Path root = proc.targetRoot(target.pid());
            List<Double> ours = new ArrayList<>();
            List<Double> hand = new ArrayList<>();
            Map<String, List<Double>> phases = new LinkedHashMap<>();
            for (int i = 0; i < WARMUP + ROUNDS; i++) {
                InjectionResult res = thawRoundTrip(thaw, target.pid());
                double b = handMade(launcher, root, target.pid(), i);
                if (i >= WARMUP) {
                    ours.add(res.elapsedMs());
                    hand.add(b);
                    var t = res.timings();
                    phases.computeIfAbsent("armed", k -> new ArrayList<>()).add(t.armedMs());
                    phases.computeIfAbsent("armed_to_delivered", k -> new ArrayList<>()).add(t.deliveredMs() - t.armedMs());
                    phases.computeIfAbsent("delivered_to_running", k -> new ArrayList<>()).add(t.runningMs() - t.deliveredMs());
                    phases.computeIfAbsent("running_to_ended", k -> new ArrayList<>()).add(t.endedMs() - t.runningMs());
                    phases.computeIfAbsent("ended_to_observed", k -> new ArrayList<>()).add(t.observedMs() - t.endedMs());
                    phases.computeIfAbsent("observed_to_answer", k -> new ArrayList<>()).add(res.elapsedMs() - t.observedMs());
                }
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("python", VERSION);
            r.put("rounds", ROUNDS);
            r.put("warmup", WARMUP);
            r.put("thaw_ms", stats(ours));
            r.put("hand_made_ms", stats(hand));
            Map<String, Object> medians = new LinkedHashMap<>();
            phases.forEach((k, v) -> medians.put(k, round(median(v))));
            r.put("thaw_phase_medians_ms", medians);
            double ratio = median(hand) / median(ours);
            r.put("ratio_of_medians", Math.round(ratio * 100) / 100.0);
            r.put("cpus", Runtime.getRuntime().availableProcessors());
            r.put("loadavg", Files.readString(Path.of("/proc/loadavg")).trim());
            String json = Json.write(r);
            LOG.warn("injection benchmark: {}", json);
            Path out = Path.of(System.getProperty("thaw.testClasses", "target/test-classes")).getParent()
                    .resolve("benchmarks").resolve("injection.json");
            Files.createDirectories(out.getParent());
            Files.writeString(out, json + "\n");
            assertThat(ours).isNotEmpty();
        }
    }

    /** One injection; its {@code elapsedMs} is the server-side round trip (call to answer). */
    private static InjectionResult thawRoundTrip(InjectionService thaw, int pid) {
        InjectionResult r = thaw.inject(InjectionRequest.of(pid, "print('hello')").withTimeout(Duration.ofSeconds(10)),
                ProgressSink.NONE);
        if (!"completed".equals(r.state()) || !"hello\n".equals(r.output())) {
            throw new IllegalStateException("thaw injection did not complete: " + r);
        }
        return r;
    }

    /**
     * What a person scripts by hand: write the script, run sys.remote_exec from a python of the same
     * version (inside the target's root, where the path is valid), poll for the output file.
     */
    private static double handMade(Path launcher, Path root, int pid, int round) throws IOException, InterruptedException {
        String dirInRoot = "/tmp/thaw-bench-" + pid + "-" + round;
        Path dir = root.resolve(dirInRoot.substring(1));
        Files.createDirectory(dir);
        try {
            Files.writeString(dir.resolve("s.py"), "import os\n"
                    + "with open('" + dirInRoot + "/out.tmp', 'w') as f:\n    f.write('hello\\n')\n"
                    + "os.replace('" + dirInRoot + "/out.tmp', '" + dirInRoot + "/out')\n", StandardCharsets.UTF_8);
            Path out = dir.resolve("out");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(launcher.toString(), "-c",
                    "import sys; sys.remote_exec(" + pid + ", '" + dirInRoot + "/s.py')")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(out)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("hand-made injection produced no output in 10 s");
                }
                LockSupport.parkNanos(200_000);
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            p.waitFor(10, TimeUnit.SECONDS);
            return ms;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Map<String, Object> stats(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", round(percentile(a, 50)));
        m.put("p10", round(percentile(a, 10)));
        m.put("p90", round(percentile(a, 90)));
        m.put("min", round(a[0]));
        m.put("max", round(a[a.length - 1]));
        m.put("mean", round(Arrays.stream(a).average().orElse(0)));
        return m;
    }

    private static double median(List<Double> xs) {
        return percentile(xs.stream().mapToDouble(Double::doubleValue).sorted().toArray(), 50);
    }

    private static double percentile(double[] sorted, int p) {
        double idx = (sorted.length - 1) * p / 100.0;
        int lo = (int) Math.floor(idx);
        int hi = (int) Math.ceil(idx);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (idx - lo);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
