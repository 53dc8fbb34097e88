package dev.thaw.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A sample-deadlock-app Java scenario started on a chosen JDK, the way a person starts it:
 * {@code JDK/bin/java -cp <sample-deadlock-app> dev.thaw.samples.Scenarios NAME}. (The product's
 * {@code dev.thaw.demo.Scenario.startJava} always uses the JVM running thaw.) The class path is a
 * reachable copy ({@link PortableClasspath}) of wherever the scenarios' classes were loaded from.
 *
 * <p>{@link #start} returns once the scenario printed {@code pid=<pid> scenario=<name>}, i.e. once
 * it is hung, and records how long that took from the process start ({@link #timeToHang()}). Its
 * stdout and stderr are drained all the time and kept. Closing it kills the JVM.
 */
public final class JavaScenarioProcess implements AutoCloseable {

    private static final String MAIN = "dev.thaw.samples.Scenarios";

    private final String name;
    private final TestJdks.Jdk jdk;
    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final CompletableFuture<String> pidLine = new CompletableFuture<>();
    private final CompletableFuture<Void> streamsClosed;
    private final long startedNs;
    private volatile long pidLineNs;

    private JavaScenarioProcess(String name, TestJdks.Jdk jdk, Process process, long startedNs) {
        this.name = name;
        this.jdk = jdk;
        this.process = process;
        this.startedNs = startedNs;
        streamsClosed = CompletableFuture.allOf(drain(process.getInputStream(), stdout, true),
                drain(process.getErrorStream(), stderr, false));
    }

    /** The command line that starts {@code scenario} on {@code jdk}. */
    public static List<String> command(TestJdks.Jdk jdk, String scenario) {
        return List.of(jdk.java().toString(), "-cp", classpath(), MAIN, scenario);
    }

    /**
     * Starts {@code scenario} on {@code jdk} and waits up to {@code timeout} for its pid line; throws
     * (after killing it) when the line does not come, with everything the scenario printed.
     */
    public static JavaScenarioProcess start(TestJdks.Jdk jdk, String scenario, Duration timeout) {
        JavaScenarioProcess p = launch(jdk, scenario);
        try {
            p.pidLine.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return p;
        } catch (TimeoutException | ExecutionException e) {
            p.close();
            throw new IllegalStateException("scenario " + scenario + " on " + jdk + " printed no pid line within "
                    + timeout + " (exit " + (p.process.isAlive() ? "none" : p.process.exitValue()) + "); stdout: "
                    + p.stdout + "; stderr: " + p.stderr);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.close();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Starts {@code scenario} without waiting for anything (e.g. to watch it refuse). */
    public static JavaScenarioProcess launch(TestJdks.Jdk jdk, String scenario) {
        List<String> cmd = command(jdk, scenario);
        long t0 = System.nanoTime();
        try {
            return new JavaScenarioProcess(scenario, jdk, new ProcessBuilder(cmd).start(), t0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd, e);
        }
    }

    /** Where the scenario classes live (sample-deadlock-app's jar or classes), as a copy every target can read. */
    private static String classpath() {
        try {
            Class<?> main = Class.forName(MAIN);
            Path where = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
            return PortableClasspath.of(where).toString();
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException("sample-deadlock-app is not on the test class path", e);
        }
    }

    private CompletableFuture<Void> drain(InputStream in, StringBuffer into, boolean watchPid) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.append(line).append('\n');
                    if (watchPid && line.startsWith("pid=") && !pidLine.isDone()) {
                        pidLineNs = System.nanoTime();
                        pidLine.complete(line);
                    }
                }
            } catch (IOException e) {
                // the scenario is gone
            }
            if (watchPid) {
                pidLine.completeExceptionally(new IllegalStateException("scenario exited"));
            }
            closed.complete(null);
        }, "scenario-drain-" + process.pid());
        t.setDaemon(true);
        t.start();
        return closed;
    }

    public String name() {
        return name;
    }

    public TestJdks.Jdk jdk() {
        return jdk;
    }

    /** The pid the scenario printed (its own: the JVM shares our PID namespace). */
    public int pid() {
        String line = pidLine.join();
        return Integer.parseInt(line.replaceAll("^pid=(\\d+) .*$", "$1"));
    }

    /** The line {@code pid=<pid> scenario=<name>}. */
    public String pidLine() {
        return pidLine.join();
    }

    /** From starting the JVM to its pid line (JVM start-up included). */
    public Duration timeToHang() {
        pidLine.join();
        return Duration.ofNanos(pidLineNs - startedNs);
    }

    /** Waits for the process to exit and returns its status (for scenarios that refuse to run). */
    public int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("scenario " + name + " still running after " + timeout);
        }
        // let the drain threads read both streams to their end
        try {
            streamsClosed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException ignored) {
            // nothing more to read
        }
        return process.exitValue();
    }

    public String stdout() {
        return stdout.toString();
    }

    public String stderr() {
        return stderr.toString();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
