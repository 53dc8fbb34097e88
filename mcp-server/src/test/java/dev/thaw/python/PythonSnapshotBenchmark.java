package dev.thaw.python;

import dev.thaw.jvm.JvmProbe;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessKey;
import dev.thaw.proc.TaskStates;
import dev.thaw.process.SnapshotService;
import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Python snapshot benchmark (docs/benchmarks.md), not a timed test: it only runs with
 * {@code -Dthaw.bench=true} (see scripts/bench-python-snapshot.sh) and writes a Markdown report to
 * {@code mcp-server/target/benchmarks/python-snapshot.md}.
 *
 * <p>Measured against one python3.14 target with parked threads (~20 frames each):
 * {@code PythonSnapshotter.snapshot} in-process after warm-up (the whole operation: open, stacks,
 * kernel thread states, grouping), the tool's call ({@code SnapshotService} + text rendering), a
 * first snapshot of a process (nothing kept from earlier ones), its parts, and a python3.14
 * subprocess doing the same through
 * {@code _remote_debugging.RemoteUnwinder(pid, all_threads=True).get_stack_trace()} (whole
 * process wall time), in the same run.
 */
@EnabledIfSystemProperty(named = "thaw.bench", matches = "true")
class PythonSnapshotBenchmark {

    /** What a service would keep between snapshots: one for the whole benchmark, as in the server. */
    private static final PythonCaches CACHES = new PythonCaches();


    static final String UNWINDER = "import _remote_debugging, sys\n"
            + "_remote_debugging.RemoteUnwinder(int(sys.argv[1]), all_threads=True).get_stack_trace()\n";

    @Test
    void benchmark() throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("Run: ").append(Instant.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, Java ").append(System.getProperty("java.version")).append(", target python3.14 ")
                .append("(sid root), load average before: ").append(loadAverage()).append("\n\n");
        md.append("| target | measurement | median ms | p90 ms | n |\n|---|---|---:|---:|---:|\n");
        int warm = Integer.getInteger("thaw.bench.warmup", 1500);
        int iters = Integer.getInteger("thaw.bench.iterations", 1000);
        int subprocs = Integer.getInteger("thaw.bench.subprocesses", 30);
        double[] full100;
        double[] tool100;
        double[] stacks100;
        double[] sub100;
        try (TestPythons.Target t = TestPythons.start("3.14", PythonProgram.of("python/snapshots/parked_threads.py"), "100", "18")) {
            int pid = t.pid();
            Snapshot s = PythonSnapshotter.snapshot(ProcFs.system(), pid, SnapshotRequest.defaults(), CACHES);
            String text = SnapshotRenderer.text(s);
            // Warm the whole path (engine choice, snapshot, rendering) before the first row, so that
            // the first row measured does not pay for the JIT compilations the later ones inherit.
            SnapshotService warmService = new SnapshotService(ProcFs.system(), new JvmProbe(ProcFs.system()));
            for (int i = 0; i < warm * 2; i++) {
                SnapshotRenderer.text(warmService.snapshot(pid, SnapshotRequest.defaults()));
            }
            full100 = measure(md, "100 threads", "snapshot() in-process, whole operation", warm, iters,
                    () -> PythonSnapshotter.snapshot(ProcFs.system(), pid, SnapshotRequest.defaults(), CACHES));
            SnapshotRequest bare = SnapshotRequest.of(null, null, null, null, "none", false, false);
            measure(md, "100 threads", "snapshot(), source none: stacks, kernel states, Python names, waited-on objects, modules",
                    warm, iters, () -> PythonSnapshotter.snapshot(ProcFs.system(), pid, bare, CACHES));
            SnapshotRequest withLocals = SnapshotRequest.of(null, null, null, null, null, true, false);
            measure(md, "100 threads", "snapshot(), locals: true (and source lines)", warm, iters,
                    () -> PythonSnapshotter.snapshot(ProcFs.system(), pid, withLocals, CACHES));
            tool100 = tool(md, "100 threads", pid, warm, iters);
            first(md, "100 threads", pid, iters / 5);
            stacks100 = parts(md, "100 threads", pid, warm, iters);
            sub100 = subprocess(md, "100 threads", pid, subprocs);
            var workers = s.groups().stream().max(java.util.Comparator.comparingInt(g -> g.count())).orElseThrow();
            md.append("\nframes per worker thread: ").append(workers.frames().size() + workers.framesOmitted())
                    .append(", text rendering: ").append(text.length()).append(" chars\n");
        }
        md.append(String.format(Locale.ROOT, "%nRatios, 100 threads (subprocess median / in-process median): "
                + "stacks (same work as RemoteUnwinder) **%.1fx**; whole snapshot with kernel thread states **%.1fx**; "
                + "the tool's call with text rendering **%.1fx**%n",
                median(sub100) / median(stacks100), median(sub100) / median(full100), median(sub100) / median(tool100)));
        md.append("\n| target | measurement | median ms | p90 ms | n |\n|---|---|---:|---:|---:|\n");
        try (TestPythons.Target t = TestPythons.start("3.14", PythonProgram.of("python/snapshots/parked_threads.py"), "1000", "18")) {
            int pid = t.pid();
            measure(md, "1000 threads", "snapshot() in-process, whole operation", warm / 5, iters / 5,
                    () -> PythonSnapshotter.snapshot(ProcFs.system(), pid, SnapshotRequest.defaults(), CACHES));
            tool(md, "1000 threads", pid, warm / 5, iters / 5);
            first(md, "1000 threads", pid, iters / 20);
            parts(md, "1000 threads", pid, warm / 5, iters / 5);
            subprocess(md, "1000 threads", pid, subprocs / 3);
        }
        Path out = Path.of(System.getProperty("thaw.bench.out", "target/benchmarks/python-snapshot.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        md.append("\nload average after: ").append(loadAverage()).append('\n');
        Files.writeString(out, md.toString());
        System.err.println(md);
    }

    /** @return the timings of open+read+close, the work RemoteUnwinder does */
    private static double[] parts(StringBuilder md, String target, int pid, int warm, int iters) {
        double[] stacks = measure(md, target, "stacks of all threads: open() + read() + close(), no kernel states",
                warm, iters, () -> {
                    try (PythonStackReader r = PythonStackReader.open(ProcFs.system(), pid, CACHES)) {
                        return r.read();
                    }
                });
        try (PythonStackReader r = PythonStackReader.open(ProcFs.system(), pid, CACHES)) {
            measure(md, target, "stacks only: PythonStackReader.read() on an open reader", warm, iters, r::read);
        }
        measure(md, target, "PythonStackReader.open() (cached runtime address)", warm, iters, () -> {
            PythonStackReader.open(ProcFs.system(), pid, CACHES).close();
            return null;
        });
        List<Integer> tids = ProcFs.system().tids(pid);
        measure(md, target, "kernel thread states alone (stat + syscall per thread), one reader thread", warm, iters,
                () -> TaskStates.readAll(ProcFs.system(), pid, tids));
        measure(md, target, "kernel thread states alone, files opened anew (first read of a process)", warm / 10,
                iters / 5, () -> {
                    TaskStates.forget(ProcFs.system(), pid);
                    return TaskStates.readAll(ProcFs.system(), pid, tids);
                });
        return stacks;
    }

    /** What the MCP tool does: pick the engine (SnapshotService), snapshot, render the text. */
    private static double[] tool(StringBuilder md, String target, int pid, int warm, int iters) {
        SnapshotService service = new SnapshotService(ProcFs.system(), new JvmProbe(ProcFs.system()));
        return measure(md, target, "the tool's call: SnapshotService.snapshot() + text rendering", warm, iters,
                () -> SnapshotRenderer.text(service.snapshot(pid, SnapshotRequest.defaults())));
    }

    /**
     * snapshot() of a process thaw has not read before (per-thread /proc files not open yet, code
     * objects not decoded yet; the runtime's address is still cached, as it always was).
     */
    private static void first(StringBuilder md, String target, int pid, int iters) {
        measure(md, target, "snapshot() of a process not read before (no kept /proc files, no decoded code objects)",
                0, iters, () -> {
                    TaskStates.forget(ProcFs.system(), pid);
                    CACHES.forgetCodeObjects(ProcessKey.of(ProcFs.system(), pid));
                    return PythonSnapshotter.snapshot(ProcFs.system(), pid, SnapshotRequest.defaults(), CACHES);
                });
    }

    static double[] measure(StringBuilder md, String target, String what, int warm, int iters, Supplier<?> op) {
        for (int i = 0; i < warm; i++) {
            op.get();
        }
        double[] ms = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            op.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        row(md, target, what, ms);
        return ms;
    }

    private static double[] subprocess(StringBuilder md, String target, int pid, int n)
            throws IOException, InterruptedException {
        Path python = TestPythons.require("3.14");
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(python.toString(), "-c", UNWINDER, Integer.toString(pid))
                    .redirectErrorStream(true).start();
            byte[] outBytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("RemoteUnwinder subprocess failed: " + new String(outBytes));
            }
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        row(md, target, "python3.14 subprocess: RemoteUnwinder(all_threads=True).get_stack_trace()", ms);
        return ms;
    }

    private static void row(StringBuilder md, String target, String what, double[] ms) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %d |%n", target, what, median(ms),
                percentile(ms, 0.9), ms.length));
    }

    /** Other processes competing for the CPUs skew every number here: record how busy the machine was. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double median(double[] ms) {
        return percentile(ms, 0.5);
    }

    static double percentile(double[] ms, double p) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(p * (s.length - 1) + 0.5))];
    }

}
