package dev.thaw.testing;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The real server jar, started as {@code java -jar thaw.jar serve} and driven by the SDK's own stdio
 * client, with a private state directory so each test sees its own session log. {@link #builder()}
 * adds serve options, an elicitation handler and the test tool extensions.
 */
public final class ThawServerProcess implements AutoCloseable {

    private final Path stateHome;
    private final McpSyncClient client;
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final String marker;
    /** False when the test passed its own state directory: the test then owns (and removes) it. */
    private final boolean ownsState;

    private ThawServerProcess(Path stateHome, McpSyncClient client, String marker, boolean ownsState) {
        this.stateHome = stateHome;
        this.client = client;
        this.marker = marker;
        this.ownsState = ownsState;
    }

    public static Path jar() {
        String jar = System.getProperty("thaw.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property thaw.jar must name the built thaw.jar (run through ./mvnw verify)");
        }
        return Path.of(jar);
    }

    public static ThawServerProcess start(String... extraArgs) throws IOException {
        return builder().args(extraArgs).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * How to start the server: extra {@code serve} arguments, an elicitation handler (which makes the
     * client declare the elicitation capability), logging and stderr consumers, and whether the test
     * classes go on the server's class path (for the test-only tool extensions in dev.thaw.testing).
     */
    public static final class Builder {
        private final List<String> args = new ArrayList<>();
        private final List<String> properties = new ArrayList<>();
        private Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation;
        private Consumer<McpSchema.LoggingMessageNotification> logging;
        private boolean testExtensions;
        private Path stateHome;
        private Duration requestTimeout = Duration.ofSeconds(60);
        private List<String> launcher;

        public Builder args(String... serveArgs) {
            args.addAll(List.of(serveArgs));
            return this;
        }

        public Builder elicitation(Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> handler) {
            this.elicitation = handler;
            return this;
        }

        public Builder logging(Consumer<McpSchema.LoggingMessageNotification> consumer) {
            this.logging = consumer;
            return this;
        }

        /** Puts target/test-classes on the server's class path: its META-INF/services add test tools. */
        public Builder withTestExtensions() {
            this.testExtensions = true;
            return this;
        }

        /** Shares a state directory between servers (e.g. to find the log of a killed one). */
        public Builder stateHome(Path dir) {
            this.stateHome = dir;
            return this;
        }

        /**
         * Runs the server through another command instead of {@code java -jar thaw.jar}: the command's
         * words, then {@code serve} and the serve arguments (e.g. {@code docker run -i ... thaw:TAG}, or
         * {@code ssh HOST java -jar thaw.jar}). The command must pass the state directory on itself if it
         * wants one ({@code XDG_STATE_HOME} is set only for a local server).
         */
        public Builder launcher(List<String> command) {
            this.launcher = List.copyOf(command);
            return this;
        }

        /** A system property for the server JVM, e.g. {@code thaw.approvalWindowMinuteMs=1000}. */
        public Builder systemProperty(String name, String value) {
            this.properties.add("-D" + name + "=" + value);
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public ThawServerProcess start() throws IOException {
            Path state = stateHome != null ? stateHome : Files.createTempDirectory("thaw-it-state");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String marker = "-Dthaw.it.server=" + UUID.randomUUID();
            List<String> cmd = new ArrayList<>(List.of(marker));
            cmd.addAll(properties);
            if (testExtensions) {
                String testClasses = System.getProperty("thaw.testClasses");
                if (testClasses == null) {
                    throw new IllegalStateException("system property thaw.testClasses is not set (run through ./mvnw verify)");
                }
                cmd.addAll(List.of("-cp", jar() + File.pathSeparator + testClasses, "dev.thaw.cli.Main", "serve"));
            } else {
                cmd.addAll(List.of("-jar", jar().toString(), "serve"));
            }
            cmd.addAll(args);
            ServerParameters params;
            if (launcher != null) {
                List<String> full = new ArrayList<>(launcher.subList(1, launcher.size()));
                full.add("serve");
                full.addAll(args);
                params = ServerParameters.builder(launcher.get(0)).args(full).addEnvVar("XDG_STATE_HOME", state.toString()).build();
            } else {
                params = ServerParameters.builder(java)
                        .args(cmd)
                        .addEnvVar("XDG_STATE_HOME", state.toString())
                        .build();
            }
            StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
            ThawServerProcess[] self = new ThawServerProcess[1];
            List<String> early = Collections.synchronizedList(new ArrayList<>());
            transport.setStdErrorHandler(line -> {
                if (self[0] != null) {
                    self[0].stderr.add(line);
                } else {
                    early.add(line);
                }
            });
            McpClient.SyncSpec spec = McpClient.sync(transport)
                    .requestTimeout(requestTimeout)
                    .initializationTimeout(Duration.ofSeconds(90)) // a loaded 2-core machine can take long to start a JVM
                    .clientInfo(McpSchema.Implementation.builder("thaw-it", "1.0").build());
            if (elicitation != null) {
                spec.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build()).elicitation(elicitation);
            }
            if (logging != null) {
                spec.loggingConsumer(logging);
            }
            self[0] = new ThawServerProcess(state, spec.build(), marker.substring(2), stateHome == null);
            self[0].stderr.addAll(early);
            return self[0];
        }
    }

    /** The server's pid: the child JVM started with this instance's marker property. */
    public long pid() {
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().arguments().map(a -> List.of(a).contains("-D" + marker)).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new IllegalStateException("server process with " + marker + " not found"));
    }

    public McpSyncClient client() {
        return client;
    }

    public List<String> stderr() {
        return List.copyOf(stderr);
    }

    public Path stateHome() {
        return stateHome;
    }

    /** The session log files written so far. */
    public List<Path> sessionLogs() throws IOException {
        Path dir = stateHome.resolve("thaw").resolve("sessions");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    public McpSchema.CallToolResult call(String tool, java.util.Map<String, Object> args) {
        return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
    }

    @Override
    public void close() throws IOException {
        try {
            client.closeGracefully();
        } catch (RuntimeException ignored) {
            client.close();
        }
        if (!ownsState) {
            return;
        }
        try (Stream<Path> walk = Files.walk(stateHome)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
