package dev.thaw.python;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.MapsParser;
import dev.thaw.proc.MemoryMap;
import dev.thaw.python.asyncio.AsyncioReader;
import dev.thaw.python.greenlet.GreenletReader;
import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.AsyncLoop;
import dev.thaw.snapshot.Greenlet;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark of the asyncio-task and greenlet walks, not a timed test: it only runs with
 * {@code -Dthaw.bench=true} (scripts/bench-tasks-greenlets.sh) and writes
 * {@code mcp-server/target/benchmarks/tasks-greenlets.md}.
 *
 * <p>Targets: 1000 asyncio tasks (three coroutines deep, some gathered) on python3.15 with the loop
 * thread blocked in C, and 1000 gevent greenlets (three frames deep) on python3.14 with the hub
 * blocked in C. Measured after warm-up: each walk alone (maps read, locate, walk; the stack reader
 * already open, as in a snapshot), the whole snapshot, and {@code python3.15 -m asyncio pstree PID}
 * as a subprocess (wall time) in the same run.
 */
@EnabledIfSystemProperty(named = "thaw.bench", matches = "true")
class TasksAndGreenletsBenchmark {

    /** What a service would keep between snapshots: one for the whole benchmark, as in the server. */
    private static final PythonCaches CACHES = new PythonCaches();


    @Test
    void benchmark() throws Exception {
        int warm = Integer.getInteger("thaw.bench.warmup", 300);
        int iters = Integer.getInteger("thaw.bench.iterations", 300);
        StringBuilder md = new StringBuilder();
        md.append("Run: ").append(Instant.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, Java ").append(System.getProperty("java.version")).append(", load average before: ")
                .append(Files.readString(Path.of("/proc/loadavg")).trim()).append("\n\n");
        md.append("| target | measurement | median ms | p90 ms | n | CPU ms of the reading thread (median) |\n|---|---|---:|---:|---:|---:|\n");
        double[] tasks;
        double[] pstree;
        PythonProgram asyncio = PythonProgram.of("python/targets/asyncio_many_tasks.py");
        try (TestPythons.Target t = TestPythons.start(List.of(TestPythons.require("3.15").toString(), "-c",
                asyncio.text(), "1000"), Map.of());
             PythonStackReader reader = PythonStackReader.open(ProcFs.system(), t.pid(), CACHES)) {
            Thread.sleep(200);
            reader.read();
            PythonMemory py = reader.pythonMemory();
            AsyncioReader.Result r = new AsyncioReader(py).read(MapsParser.read(py.procFs(), py.pid()));
            int n = r.byThread().values().stream().mapToInt(l -> l.tasks().size()).sum();
            assertThat(n).isEqualTo(1000);
            assertThat(r.byThread().values().stream().allMatch(AsyncLoop::complete)).isTrue();
            long calls = py.mem().readCalls();
            long bytes = py.mem().bytesRead();
            new AsyncioReader(py).read(MapsParser.read(py.procFs(), py.pid()));
            md.append("| 1000 tasks, 3.15 | reads of /proc/PID/mem per task walk: ").append(py.mem().readCalls() - calls)
                    .append(" (").append((py.mem().bytesRead() - bytes) >> 10).append(" KiB) | | | | |\n");
            tasks = measure(md, "1000 tasks, 3.15", "asyncio tasks alone (maps, locate, walk)",
                    warm, iters, () -> new AsyncioReader(py).read(MapsParser.read(py.procFs(), py.pid())));
            measure(md, "1000 tasks, 3.15", "whole snapshot() with stacks and tasks", warm,
                    iters, () -> PythonSnapshotter.snapshot(ProcFs.system(), t.pid(), SnapshotRequest.defaults(), CACHES));
            pstree = pstree(md, t.pid(), Integer.getInteger("thaw.bench.subprocesses", 20));
        }
        double[] greenlets;
        PythonProgram gevent = PythonProgram.of("python/targets/gevent_many_greenlets.py");
        try (TestPythons.Target t = TestPythons.start(List.of(TestPythons.require("3.14").toString(), "-c",
                gevent.text(), "1000"), Map.of());
             PythonStackReader reader = PythonStackReader.open(ProcFs.system(), t.pid(), CACHES)) {
            Thread.sleep(200);
            reader.read();
            PythonMemory py = reader.pythonMemory();
            List<MemoryMap> maps = MapsParser.read(py.procFs(), py.pid());
            GreenletReader.Result r = new GreenletReader(py).read(maps, t.pid());
            long suspended = r.byThread().values().stream().flatMap(List::stream)
                    .filter(g -> g.state().equals("suspended") && g.frames().size() >= 3).count();
            assertThat(suspended).isGreaterThanOrEqualTo(999);
            assertThat(r.byThread().values().stream().flatMap(List::stream).allMatch(Greenlet::complete)).isTrue();
            long calls = py.mem().readCalls();
            long bytes = py.mem().bytesRead();
            new GreenletReader(py).read(MapsParser.read(py.procFs(), py.pid()), t.pid());
            md.append("| 1000 greenlets, 3.14 | reads of /proc/PID/mem per greenlet walk: ")
                    .append(py.mem().readCalls() - calls).append(" (").append((py.mem().bytesRead() - bytes) >> 10)
                    .append(" KiB) | | | | |\n");
            greenlets = measure(md, "1000 greenlets, 3.14", "greenlets alone (maps, scan, walk)",
                    warm, iters, () -> new GreenletReader(py).read(MapsParser.read(py.procFs(), py.pid()), t.pid()));
            measure(md, "1000 greenlets, 3.14", "whole snapshot() with stacks and greenlets",
                    warm, iters, () -> PythonSnapshotter.snapshot(ProcFs.system(), t.pid(), SnapshotRequest.defaults(), CACHES));
            md.append("\nanonymous writable memory of the greenlet target (before skipping untouched pages and thread stacks): ")
                    .append(maps.stream().filter(m -> m.readable() && m.writable()
                            && (m.path().isEmpty() || m.path().equals("[heap]"))).mapToLong(MemoryMap::size).sum() >> 20)
                    .append(" MiB\n");
        }
        md.append(String.format(Locale.ROOT, "%nRatio, 1000 tasks: `python3.15 -m asyncio pstree` median / thaw's "
                + "task walk median = **%.0fx**; targets: tasks ≤ 10 ms (median %.2f), greenlets ≤ 15 ms (median %.2f)%n",
                PythonSnapshotBenchmark.median(pstree) / PythonSnapshotBenchmark.median(tasks),
                PythonSnapshotBenchmark.median(tasks), PythonSnapshotBenchmark.median(greenlets)));
        Path out = Path.of("target/benchmarks/tasks-greenlets.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);
        System.out.println(md);
    }

    /**
     * Wall time, and the CPU time of this thread (user + system, so the kernel's copying of the
     * target's memory counts; time spent waiting for a CPU on a loaded machine does not).
     */
    private static double[] measure(StringBuilder md, String target, String what, int warm, int iters,
                                    java.util.function.Supplier<?> op) {
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warm; i++) {
            op.get();
        }
        double[] ms = new double[iters];
        double[] cpuMs = new double[iters];
        for (int i = 0; i < iters; i++) {
            long c0 = cpu.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            op.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpuMs[i] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %d | %.2f |%n", target, what,
                PythonSnapshotBenchmark.median(ms), PythonSnapshotBenchmark.percentile(ms, 0.9), iters,
                PythonSnapshotBenchmark.median(cpuMs)));
        return ms;
    }

    private static double[] pstree(StringBuilder md, int pid, int n) throws Exception {
        Path python = TestPythons.require("3.15");
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(python.toString(), "-m", "asyncio", "pstree", Integer.toString(pid))
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("pstree failed: " + new String(out));
            }
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        md.append(String.format(Locale.ROOT, "| 1000 tasks, 3.15 | python3.15 -m asyncio pstree PID (subprocess, "
                + "wall) | %.2f | %.2f | %d | |%n", PythonSnapshotBenchmark.median(ms),
                PythonSnapshotBenchmark.percentile(ms, 0.9), n));
        return ms;
    }
}
