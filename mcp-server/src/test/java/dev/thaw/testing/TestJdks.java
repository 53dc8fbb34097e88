package dev.thaw.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The JDKs that test targets run on, and a launcher for target programs. The targets
 * ({@code dev.thaw.testing.jvm}) are compiled a second time at --release 8 into
 * {@code target/jvm-targets} (system property {@code thaw.jvmTargets}), so every JDK from 8 on
 * runs them; other classes are launched from the test classes (--release 17).
 *
 * <p>JDKs come from one variable, {@code THAW_TEST_JDKS} (colon-separated JAVA_HOMEs); the
 * default is the JDK running the tests, {@code /usr/lib/jvm/temurin-25-jdk-amd64} and the JDK
 * 8, 11 and 21 homes of {@code scripts/provision-test-pythons.sh} ({@code /var/lib/thaw/jdk/N})
 * when they exist. Those homes run their JVM chrooted into the Debian sid root: their
 * {@code release} file names the root ({@code THAW_ROOT}) and the java inside it
 * ({@code THAW_JAVA_IN_ROOT}). A test asking for a feature release that is not configured is skipped, except under
 * {@code CI=true}, where a missing JDK is a failure: CI must not go green by testing less.
 */
public final class TestJdks {

    public static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    /** Where scripts/provision-test-pythons.sh puts the JDK 8, 11 and 21 homes by default. */
    public static final Path SID_JDKS = Path.of("/var/lib/thaw/jdk");

    private TestJdks() {
    }

    /** A JDK on this machine; {@code version} is its release file's JAVA_VERSION. */
    public record Jdk(Path home, String version) {
        public int feature() {
            String v = version.startsWith("1.") ? version.substring(2) : version;
            int end = 0;
            while (end < v.length() && Character.isDigit(v.charAt(end))) {
                end++;
            }
            return Integer.parseInt(v.substring(0, end));
        }

        public Path java() {
            return home.resolve("bin/java");
        }

        public Path tool(String name) {
            return home.resolve("bin").resolve(name);
        }

        /**
         * The root the JVM runs in: {@code /} for a host JDK, the sid root for a provisioned one
         * (whose bin/java is a chroot launcher).
         */
        public Path root() {
            return releaseValue(home, "THAW_ROOT").map(Path::of).orElse(Path.of("/"));
        }

        /** java.home as the JVM itself reports it (inside its root; the jre directory on JDK 8). */
        public String javaHome() {
            String exe = exe().toString();
            String root = root().toString();
            if (!root.equals("/") && exe.startsWith(root + "/")) {
                exe = exe.substring(root.length());
            }
            return exe.substring(0, exe.length() - "/bin/java".length());
        }

        /** The JVM's executable as /proc/PID/exe shows it from the host. */
        public Path exe() {
            Optional<String> inner = releaseValue(home, "THAW_JAVA_IN_ROOT");
            Path exe = inner.isPresent() ? Path.of(root() + inner.get()) : java();
            try {
                return exe.toRealPath();
            } catch (IOException e) {
                return exe;
            }
        }

        @Override
        public String toString() {
            return "JDK " + version;
        }
    }

    /** Every configured JDK, in configuration order, without duplicates. */
    public static List<Jdk> configured() {
        String env = System.getenv("THAW_TEST_JDKS");
        List<Path> homes = new ArrayList<>();
        if (env != null && !env.isBlank()) {
            for (String h : env.split(":")) {
                if (!h.isBlank()) {
                    homes.add(Path.of(h.trim()));
                }
            }
        } else {
            homes.add(Path.of(System.getProperty("java.home")));
            if (Files.isDirectory(TEMURIN_25)) {
                homes.add(TEMURIN_25);
            }
            for (String n : new String[] {"8", "11", "21"}) {
                if (Files.isRegularFile(SID_JDKS.resolve(n).resolve("release"))) {
                    homes.add(SID_JDKS.resolve(n));
                }
            }
        }
        Map<Path, Jdk> jdks = new LinkedHashMap<>();
        for (Path home : homes) {
            readVersion(home).ifPresent(v -> jdks.putIfAbsent(home.toAbsolutePath().normalize(),
                    new Jdk(home.toAbsolutePath().normalize(), v)));
        }
        return List.copyOf(jdks.values());
    }

    /** The first configured JDK of this feature release; skipped (or, with CI=true, failed) when none. */
    public static Jdk require(int feature) {
        for (Jdk jdk : configured()) {
            if (jdk.feature() == feature) {
                return jdk;
            }
        }
        String msg = "No JDK " + feature + " configured for test targets (THAW_TEST_JDKS="
                + System.getenv("THAW_TEST_JDKS") + ", found " + configured() + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(msg + ". On CI every target JDK must be present.");
        }
        Assumptions.abort(msg);
        throw new AssertionError("unreachable");
    }

    private static Optional<String> readVersion(Path home) {
        return releaseValue(home, "JAVA_VERSION");
    }

    private static Optional<String> releaseValue(Path home, String key) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith(key + "=")) {
                    return Optional.of(line.substring(key.length() + 1).replace("\"", "").trim());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The class-path entry holding {@code main}: the release-8 copy of the targets when it has the
     * class, else the test classes.
     */
    static String classesFor(Class<?> main) {
        String targets = System.getProperty("thaw.jvmTargets");
        if (targets != null && Files.isRegularFile(
                Path.of(targets, main.getName().replace('.', '/') + ".class"))) {
            return targets;
        }
        String testClasses = System.getProperty("thaw.testClasses");
        return testClasses != null ? testClasses : Path.of("target/test-classes").toAbsolutePath().toString();
    }

    /** Starts building a launch of {@code main} (a class in the test classes) on {@code jdk}. */
    public static Launch launch(Jdk jdk, Class<?> main) {
        return new Launch(jdk, main);
    }

    /** Launches {@code main} on {@code jdk} with extra JVM flags and waits for its READY line. */
    public static Target start(Jdk jdk, Class<?> main, String... jvmFlags) {
        return launch(jdk, main).flags(jvmFlags).start();
    }

    /** What to run; {@link #start()} runs it. */
    public static final class Launch {
        private final Jdk jdk;
        private final Class<?> main;
        private final List<String> flags = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final List<String> wrapper = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String user;
        private Duration readyTimeout = Duration.ofSeconds(30);

        private Launch(Jdk jdk, Class<?> main) {
            this.jdk = jdk;
            this.main = main;
        }

        public Launch flags(String... jvmFlags) {
            flags.addAll(List.of(jvmFlags));
            return this;
        }

        public Launch args(String... programArgs) {
            args.addAll(List.of(programArgs));
            return this;
        }

        /** Environment variables for the target (e.g. JAVA_TOOL_OPTIONS). */
        public Launch env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /**
         * A command the java command line is appended to, e.g. {@code unshare --mount --fork sh -c
         * 'mount -t tmpfs tmpfs /tmp && exec "$0" "$@"'}; the JVM is then found among its
         * descendants.
         */
        public Launch wrapper(String... prefix) {
            wrapper.addAll(List.of(prefix));
            return this;
        }

        /**
         * Runs the JVM as {@code uid:gid} (numeric, no supplementary groups): setpriv for a host
         * JDK; for a JDK in the sid root, chroot itself switches user after entering the root
         * (a process that is no longer root cannot chroot).
         */
        public Launch asUser(String uid, String gid) {
            user = uid + ":" + gid;
            return this;
        }

        public Launch readyTimeout(Duration timeout) {
            readyTimeout = timeout;
            return this;
        }

        public Target start() {
            // Targets may hide /tmp behind a tmpfs, run as another user or in the sid root (whose
            // /var/tmp is the host's): give them a copy they can reach.
            String classes = PortableClasspath.of(classesFor(main));
            List<String> cmd = new ArrayList<>(wrapper);
            Optional<String> inner = releaseValue(jdk.home(), "THAW_JAVA_IN_ROOT");
            if (user != null && inner.isPresent()) {
                cmd.addAll(List.of("/usr/sbin/chroot", "--userspec=" + user, jdk.root().toString(), inner.get()));
            } else if (user != null) {
                cmd.addAll(List.of("setpriv", "--reuid=" + user.split(":")[0], "--regid=" + user.split(":")[1],
                        "--clear-groups", jdk.java().toString()));
            } else {
                cmd.add(jdk.java().toString());
            }
            cmd.addAll(flags);
            cmd.add("-cp");
            cmd.add(classes);
            cmd.add(main.getName());
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            try {
                return new Target(jdk, pb.start(), cmd, readyTimeout);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + cmd, e);
            }
        }
    }

    /**
     * A running target. Its stdout and stderr are drained all the time (a SIGQUIT thread dump
     * into a full pipe would block the target) and kept for assertions.
     */
    public static final class Target implements AutoCloseable {
        private final Jdk jdk;
        private final Process process;
        private final StringBuffer stdout = new StringBuffer();
        private final StringBuffer stderr = new StringBuffer();
        private final CompletableFuture<String> ready = new CompletableFuture<>();
        private final long pid;

        private Target(Jdk jdk, Process process, List<String> cmd, Duration readyTimeout) {
            this.jdk = jdk;
            this.process = process;
            drain(process.getInputStream(), stdout, true);
            drain(process.getErrorStream(), stderr, false);
            try {
                ready.get(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                close();
                throw new IllegalStateException("target " + cmd + " did not print READY within " + readyTimeout
                        + "; stdout: " + stdout + "; stderr: " + stderr);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted", e);
            }
            this.pid = findJvmPid();
        }

        private void drain(InputStream in, StringBuffer into, boolean watchReady) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        into.append(line).append('\n');
                        if (watchReady && line.startsWith("READY")) {
                            ready.complete(line);
                        }
                    }
                } catch (IOException e) {
                    // the target is gone
                }
                ready.completeExceptionally(new IllegalStateException("target exited"));
            }, "target-drain-" + process.pid());
            t.setDaemon(true);
            t.start();
        }

        /** The JVM itself: the started process, or (behind a wrapper) its descendant running java. */
        private long findJvmPid() {
            String java = jdk.exe().toString();
            if (isJava(process.toHandle(), java)) {
                return process.pid();
            }
            return process.descendants().filter(h -> isJava(h, java)).mapToLong(ProcessHandle::pid)
                    .findFirst().orElseThrow(() -> new IllegalStateException("no java among the descendants"));
        }

        private static boolean isJava(ProcessHandle h, String java) {
            try {
                return Files.readSymbolicLink(Path.of("/proc/" + h.pid() + "/exe")).toString().equals(java);
            } catch (IOException e) {
                return false;
            }
        }

        /** The JVM's pid in our PID namespace. */
        public int pid() {
            return Math.toIntExact(pid);
        }

        public Jdk jdk() {
            return jdk;
        }

        /** The READY line: {@code READY pid=<its own pid> version=<java.version>}. */
        public String readyLine() {
            return ready.join();
        }

        /** {@code key=value} from the READY line. */
        public String ready(String key) {
            for (String part : readyLine().split(" ")) {
                if (part.startsWith(key + "=")) {
                    return part.substring(key.length() + 1);
                }
            }
            throw new IllegalStateException("no " + key + " in " + readyLine());
        }

        public String stdout() {
            return stdout.toString();
        }

        public String stderr() {
            return stderr.toString();
        }

        public Process process() {
            return process;
        }

        public boolean isAlive() {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        /**
         * Stops the JVM and its wrapper: SIGTERM first, so the JVM removes its attach socket and
         * hsperfdata file on the way out, then SIGKILL for whatever is left after a few seconds.
         */
        @Override
        public void close() {
            List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
            all.add(process.toHandle());
            all.forEach(ProcessHandle::destroy);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                    h.destroyForcibly();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    h.destroyForcibly();
                }
            }
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
