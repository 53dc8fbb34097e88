package dev.thaw.demo;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running hang scenario from sample-deadlock-app: started with one command, it prints
 * {@code pid=<pid> scenario=<name>} once the hang is set up. Closing it kills the process.
 */
public final class Scenario implements AutoCloseable {

    private final String name;
    private final String runtime;
    private final Process process;
    private final int pid;

    private Scenario(String name, String runtime, Process process, int pid) {
        this.name = name;
        this.runtime = runtime;
        this.process = process;
        this.pid = pid;
    }

    public String name() {
        return name;
    }

    public String runtime() {
        return runtime;
    }

    public int pid() {
        return pid;
    }

    /** The first python3.14 found: $THAW_PYTHON, the provisioned sid root, then PATH. */
    public static Optional<Path> findPython314() {
        List<Path> candidates = new ArrayList<>();
        String explicit = System.getenv("THAW_PYTHON");
        if (explicit != null && !explicit.isBlank()) {
            candidates.add(Path.of(explicit));
        }
        String dir = System.getenv("THAW_TEST_PYTHONS");
        candidates.add(Path.of(dir != null && !dir.isBlank() ? dir : "/var/lib/thaw/bin", "python3.14"));
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty()) {
                candidates.add(Path.of(p, "python3.14"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** A Python scenario script from sample-deadlock-app, run with {@code -c} (valid in any mount namespace). */
    public static Scenario startPython(Path python, String scenario, String script) {
        String code = resource("/scenarios/python/" + script);
        return start(scenario, "cpython", List.of(python.toString(), "-c", code));
    }

    /** A Java scenario, run with the JVM that runs thaw, from thaw.jar itself. */
    public static Scenario startJava(String scenario) {
        return startJava(scenario, Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /** A Java scenario run by the given {@code java} executable, from thaw.jar itself. */
    public static Scenario startJava(String scenario, Path java) {
        String classpath = System.getProperty("java.class.path");
        return start(scenario, "hotspot", List.of(java.toString(), "-cp", classpath, "dev.thaw.samples.Scenarios", scenario));
    }

    /** A {@code java} of feature release {@code feature} or newer: this JVM's, else one under /usr/lib/jvm. */
    public static Optional<Path> findJava(int feature) {
        if (Runtime.version().feature() >= feature) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        try (var homes = Files.list(Path.of("/usr/lib/jvm"))) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin/java")) && releaseOf(h) >= feature)
                    .sorted().map(h -> h.resolve("bin/java")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The feature release in a JDK's {@code release} file ({@code JAVA_VERSION="25.0.1"}), or 0. */
    private static int releaseOf(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring(line.indexOf('"') + 1).replaceAll("^1\\.", "");
                    return Integer.parseInt(v.replaceAll("[^0-9].*", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** Whether {@code python} can import a module (gevent for the gevent scenarios). */
    public static boolean canImport(Path python, String module) {
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import " + module)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Scenario start(String name, String runtime, List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new ThawException(ErrorCode.SCENARIO_FAILED, "Cannot start scenario " + name + ": " + e.getMessage(),
                    "Check that " + command.get(0) + " runs.", e);
        }
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> firstLineWith(p.getInputStream(), "pid="));
        try {
            String line = ready.get(15, TimeUnit.SECONDS);
            if (line == null) {
                throw new ThawException(ErrorCode.SCENARIO_FAILED, "Scenario " + name + " exited before it was ready.",
                        "Run it by hand to see why: " + String.join(" ", command.subList(0, Math.min(2, command.size()))));
            }
            int pid = Integer.parseInt(line.replaceAll(".*pid=(\\d+).*", "$1"));
            return new Scenario(name, runtime, p, pid);
        } catch (TimeoutException | InterruptedException | ExecutionException e) {
            p.destroyForcibly();
            throw new ThawException(ErrorCode.SCENARIO_FAILED, "Scenario " + name + " did not report ready within 15 s.",
                    "Check the machine's load and try again.", e);
        }
    }

    private static String firstLineWith(InputStream in, String marker) {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.contains(marker)) {
                    // Keep draining stdout so the scenario never blocks on a full pipe.
                    Thread drain = new Thread(() -> drain(r), "scenario-stdout");
                    drain.setDaemon(true);
                    drain.start();
                    return line;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static void drain(BufferedReader r) {
        try {
            while (r.readLine() != null) {
                // discard
            }
        } catch (IOException ignored) {
            // process gone
        }
    }

    static String resource(String path) {
        try (InputStream in = Scenario.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
