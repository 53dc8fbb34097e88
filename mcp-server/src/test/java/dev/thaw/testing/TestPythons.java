package dev.thaw.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finds the test interpreters (python3.13, python3.14, python3.15) and starts target programs.
 *
 * <p>Lookup: the directory in env {@code THAW_TEST_PYTHONS}, else the provisioning script's default
 * {@code /var/lib/thaw/bin}, else {@code python3.X} on PATH. A missing interpreter skips the test,
 * except under {@code CI=true} where it fails: CI must run everything.
 *
 * <p>The launchers {@code exec chroot ROOT /usr/bin/python3.X}, so the pid of the started process
 * is the Python process itself; its files are under {@code /proc/PID/root}.
 */
public final class TestPythons {

    public static final Path DEFAULT_DIR = Path.of("/var/lib/thaw/bin");
    /** The sid root the default launchers chroot into (for reading the real binaries in tests). */
    public static final Path SID_ROOT = Path.of("/var/lib/thaw/sid");

    private TestPythons() {
    }

    public static Optional<Path> python(String version) {
        String name = "python" + version;
        String env = System.getenv("THAW_TEST_PYTHONS");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env).resolve(name);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        Path p = DEFAULT_DIR.resolve(name);
        if (Files.isExecutable(p)) {
            return Optional.of(p);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }

    /** The launcher, or skip (fail under CI=true) when it is not provisioned. */
    public static Path require(String version) {
        Optional<Path> p = python(version);
        if (p.isEmpty()) {
            missing("python" + version + " not found (THAW_TEST_PYTHONS, " + DEFAULT_DIR + ", PATH)");
        }
        return p.get();
    }

    /** A real file (not the launcher) inside the sid root, e.g. {@code /usr/bin/python3.14}; skip/fail if absent. */
    public static Path requireSidFile(String pathInRoot) {
        Path p = SID_ROOT.resolve(pathInRoot.substring(1));
        if (!Files.isRegularFile(p)) {
            missing(p + " not found");
        }
        return p;
    }

    private static void missing(String what) {
        String msg = what + ". Run `sudo scripts/provision-test-pythons.sh` to provision the test interpreters.";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(msg);
        }
        Assumptions.abort(msg);
    }

    /** Starts {@code python -c code} and waits for its first stdout line (the program must print one). */
    public static Target start(String version, String code) {
        return start(version, Map.of(), code);
    }

    public static Target start(String version, Map<String, String> env, String code) {
        return start(List.of(require(version).toString(), "-c", code), env);
    }

    /** Starts {@code python -c program args...}: the target's frames say {@code <string>}, at the program's lines. */
    public static Target start(String version, PythonProgram program, String... args) {
        List<String> command = new ArrayList<>(List.of(require(version).toString(), "-c", program.text()));
        command.addAll(List.of(args));
        return start(command, Map.of());
    }

    /** Starts any command that prints a ready line on stdout. */
    public static Target start(List<String> command, Map<String, String> env) {
        try {
            Path err = Files.createTempFile("thaw-target-", ".stderr");
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
            pb.environment().putAll(env);
            pb.environment().put("PYTHONUNBUFFERED", "1");
            Process p = pb.start();
            Target t = new Target(p, err);
            try {
                t.ready = t.nextLine(Duration.ofSeconds(30));
            } catch (RuntimeException | Error e) {
                t.close(); // no ready line: the failing test must not leave its target running
                throw e;
            }
            return t;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
    }

    /** A running target; {@link #close()} kills it (SIGKILL works on a stopped process too). */
    public static final class Target implements AutoCloseable {
        private final Process process;
        private final Path stderr;
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private String ready;

        Target(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            }, "target-stdout-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        public Process process() {
            return process;
        }

        public int pid() {
            return (int) process.pid();
        }

        /** The first line the program printed. */
        public String readyLine() {
            return ready;
        }

        /** The next stdout line, failing the test after {@code timeout}. */
        public String nextLine(Duration timeout) {
            try {
                String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (line == null) {
                    fail("target " + process.pid() + " printed no line within " + timeout + (process.isAlive()
                            ? "" : " (exited " + process.exitValue() + ")") + "; stderr:\n" + stderr());
                }
                return line;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Lines printed so far beyond the ready line, without waiting. */
        public List<String> drain() {
            List<String> out = new ArrayList<>();
            lines.drainTo(out);
            return out;
        }

        public String stderr() {
            try {
                return Files.readString(stderr);
            } catch (IOException e) {
                return "(stderr unreadable: " + e.getMessage() + ")";
            }
        }

        /** SIGSTOP: only tests stop targets, to compare two readers against the same state. */
        public void stop() {
            signal("STOP");
        }

        public void cont() {
            signal("CONT");
        }

        private void signal(String sig) {
            try {
                int rc = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor();
                if (rc != 0) {
                    throw new IllegalStateException("kill -" + sig + " failed: " + rc);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                Files.deleteIfExists(stderr);
            } catch (IOException ignored) {
                // temp file; the OS cleans up
            }
        }
    }
}
