package dev.thaw.jvm.probe;

import dev.thaw.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A minimal stand-in for the injection lifecycle (dev.thaw.inject) in engine tests: makes the
 * private directory in the target's /tmp, prepares and delivers through the engine, follows
 * status.json until a final state or the wait ends, reads the output, removes the directory.
 */
final class ProbeHarness {

    private static final AtomicInteger SEQ = new AtomicInteger();

    /**
     * @param state   completed, failed, or timed_out (nothing final within the wait)
     * @param status  the last status.json (empty map when none)
     * @param output  output (or output.part) at that moment
     * @param notes   the engine's notes
     * @param ms      wall time of the round trip
     */
    record Result(String state, Map<String, Object> status, String output, List<String> notes, double ms,
                  Run run) {
        String error() {
            return String.valueOf(status.get("error"));
        }
    }

    /** An injection directory; closing it removes it. */
    static final class Run implements ProbeDir, AutoCloseable {
        final Path host;
        final String inRoot;

        Run(int pid) throws IOException {
            String name = "thaw-inj-test" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
            host = Path.of("/proc/" + pid + "/root/tmp").resolve(name);
            inRoot = "/tmp/" + name;
            Files.createDirectory(host, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // As the injection lifecycle does: the agent runs a request only while its server holds this lock.
            alive = java.nio.channels.FileChannel.open(host.resolve("alive"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            alive.lock();
        }

        private final java.nio.channels.FileChannel alive;

        /** The server is gone: its lock is dropped, as the kernel does when a process dies. */
        void dropAlive() throws IOException {
            alive.close();
        }

        @Override
        public Path hostPath() {
            return host;
        }

        @Override
        public String inRoot(String file) {
            return inRoot + "/" + file;
        }

        @Override
        public void writeFile(String file, byte[] content) throws IOException {
            Files.write(host.resolve(file), content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        @Override
        public void rename(String from, String to) throws IOException {
            Files.move(host.resolve(from), host.resolve(to), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public void handOver() {
            // created in place, for thaw's own user: nothing to hand over
        }

        @Override
        public boolean exists(String file) {
            return Files.exists(host.resolve(file), LinkOption.NOFOLLOW_LINKS);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> status() {
            try {
                return Json.mapper().readValue(Files.readAllBytes(host.resolve("status.json")), Map.class);
            } catch (IOException | RuntimeException e) {
                return Map.of();
            }
        }

        String output() {
            for (String f : List.of("output", "output.part")) {
                try {
                    return Files.readString(host.resolve(f));
                } catch (IOException e) {
                    // next
                }
            }
            return "";
        }

        /** Waits for a final status; the last status seen. */
        Map<String, Object> await(Duration wait) throws InterruptedException {
            long end = System.nanoTime() + wait.toNanos();
            while (true) {
                Map<String, Object> st = status();
                Object s = st.get("state");
                if ("completed".equals(s) || "failed".equals(s) || System.nanoTime() > end) {
                    return st;
                }
                Thread.sleep(1);
            }
        }

        @Override
        public void close() throws IOException {
            alive.close();
            if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try (Stream<Path> s = Files.walk(host)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private ProbeHarness() {
    }

    /** A round trip; the directory is removed unless the probe is still running (then the caller closes {@code run}). */
    static Result run(JvmProbeEngine engine, int pid, ProbeSpec spec, Duration wait) throws Exception {
        long t0 = System.nanoTime();
        JvmTarget target = engine.identify(pid).orElseThrow();
        long t1 = System.nanoTime();
        Run run = new Run(pid);
        JvmProbeEngine.Prepared p = engine.prepare(target, run, "inj" + SEQ.get(), spec);
        long t2 = System.nanoTime();
        List<String> notes = new ArrayList<>(p.notes());
        notes.addAll(engine.deliver(target, run, p));
        long t3 = System.nanoTime();
        Map<String, Object> st = run.await(wait);
        long t4 = System.nanoTime();
        if (Boolean.getBoolean("thaw.bench")) {
            System.err.printf("phases: identify %.1f prepare %.1f (javac %.1f) deliver %.1f run %.1f%n", (t1 - t0) / 1e6,
                    (t2 - t1) / 1e6, p.probe() == null ? 0 : p.probe().compileMs(), (t3 - t2) / 1e6, (t4 - t3) / 1e6);
        }
        String output = run.output();
        double ms = (System.nanoTime() - t0) / 1e6;
        Object s = st.get("state");
        String state = "completed".equals(s) || "failed".equals(s) ? (String) s : "timed_out";
        if (!state.equals("timed_out")) {
            run.close();
        }
        return new Result(state, st, output, notes, ms, run);
    }

    static ProbeSpec spec(String code) {
        return new ProbeSpec(code, Map.of(), Duration.ofSeconds(10), 1 << 20, "auto");
    }
}
