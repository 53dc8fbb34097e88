package dev.thaw.python.inject;

import dev.thaw.Json;
import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.ProgressSink;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
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
 * The injection benchmark: inject-to-completed round trip into a target whose main thread runs
 * a 10 ms sleep loop, thaw (in-process, server side) against the hand-made workflow done by machine
 * ({@code python3.14 -c "import sys; sys.remote_exec(PID, path)"} through the sid launcher, then
 * polling for the script's output file), interleaved in the same run against the same target.
 *
 * <p>A benchmark, not a timed test: it runs only with {@code -Dthaw.bench=true}
 * ({@code scripts/bench-injection.sh}). Results: {@code mcp-server/target/benchmarks/injection.json}
 * and {@code injection.md} there. {@code -Dthaw.bench.python=3.15} runs it against python3.15 (the
 * hand-made workflow then uses python3.15 too: sys.remote_exec needs the target's minor version).
 */
@EnabledIfSystemProperty(named = "thaw.bench", matches = "true")
class InjectionBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(InjectionBenchmark.class);
    private static final int WARMUP = Integer.getInteger("thaw.bench.warmup", 30);
    private static final int ROUNDS = Integer.getInteger("thaw.bench.rounds", 100);
    private static final String VERSION = System.getProperty("thaw.bench.python", "3.14");
    /**
     * The protocol. By default (random phase), before each workflow the benchmark waits a uniformly
     * random part of the target's 10 ms sleep slice (not measured), so that each starts at an
     * arbitrary point of it, as a real request would. {@code -Dthaw.bench.backToBack=true} runs the
     * two back to back instead: since the hand-made script runs at one of the target's wake-ups,
     * thaw then always starts a few milliseconds after one and waits ~7.5 ms (instead of ~5 on
     * average) for the next, a bias against thaw. ({@code -Dthaw.bench.randomPhase=false} is the
     * same as back to back.)
     */
    private static final boolean RANDOM_PHASE = !Boolean.getBoolean("thaw.bench.backToBack")
            && Boolean.parseBoolean(System.getProperty("thaw.bench.randomPhase", "true"));
    private static final long SLICE_NANOS = 10_000_000L;
    private static final String TARGET = PythonProgram.of("python/inject/sleep_loop.py").text();

    @TempDir
    Path journal;

    @Test
    void injectToCompleted() throws Exception {
        ProcFs proc = ProcFs.system();
        Path launcher = TestPythons.require(VERSION);
        try (InjectionService thaw = InjectionService.start(proc, List.of(new PythonInjector(proc)),
                new InjectionDirs(proc, journal));
             TestPythons.Target target = TestPythons.start(VERSION, TARGET)) {
            Path root = proc.targetRoot(target.pid());
            List<Double> ours = new ArrayList<>();
            List<Double> hand = new ArrayList<>();
            Map<String, List<Double>> phases = new LinkedHashMap<>();
            java.util.Random phase = new java.util.Random(42);
            for (int i = 0; i < WARMUP + ROUNDS; i++) {
                randomPhase(phase);
                InjectionResult res = thawRoundTrip(thaw, target.pid());
                randomPhase(phase);
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
            r.put("random_phase", RANDOM_PHASE);
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
            Files.writeString(out.resolveSibling("injection.md"), markdown(r, ours, hand));
            assertThat(ours).isNotEmpty();
        }
    }

    /** With {@link #RANDOM_PHASE}: waits a uniformly random part of the target's sleep slice (not measured). */
    private static void randomPhase(java.util.Random r) {
        if (RANDOM_PHASE) {
            LockSupport.parkNanos((long) (r.nextDouble() * SLICE_NANOS));
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

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> r, List<Double> ours, List<Double> hand) {
        Map<String, Object> a = (Map<String, Object>) r.get("thaw_ms");
        Map<String, Object> b = (Map<String, Object>) r.get("hand_made_ms");
        StringBuilder md = new StringBuilder();
        md.append("Run: ").append(java.time.Instant.now()).append(", python").append(VERSION).append(" target (sid root), ")
                .append(r.get("cpus")).append(" CPUs, load average ").append(r.get("loadavg")).append(", ")
                .append(ROUNDS).append(" rounds after ").append(WARMUP).append(" warm-up rounds, interleaved")
                .append(RANDOM_PHASE ? ", each workflow started at a random point of the target's 10 ms sleep slice"
                        : ", back to back").append("\n\n");
        md.append("| workflow | median ms | p10 ms | p90 ms | min ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
        md.append(row("thaw inject_script (server side)", a)).append(row("hand-made sys.remote_exec + polling", b));
        md.append("\nratio of medians (hand-made / thaw): ").append(r.get("ratio_of_medians")).append("\n\n");
        md.append("thaw phase medians (ms): ").append(r.get("thaw_phase_medians_ms")).append("\n");
        return md.toString();
    }

    private static String row(String name, Map<String, Object> s) {
        return "| " + name + " | " + s.get("median") + " | " + s.get("p10") + " | " + s.get("p90") + " | " + s.get("min")
                + " | " + s.get("max") + " |\n";
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
