package dev.thaw.testing;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real server jar, started as {@code java -jar thaw.jar serve} and driven by the SDK's own stdio
 * client, with a private state directory so each test sees its own session log.
 */
public final class ThawServerProcess implements AutoCloseable {

    private final Path stateHome;
    private final McpSyncClient client;
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());

    private ThawServerProcess(Path stateHome, McpSyncClient client) {
        this.stateHome = stateHome;
        this.client = client;
    }

    public static Path jar() {
        String jar = System.getProperty("thaw.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property thaw.jar must name the built thaw.jar (run through ./mvnw verify)");
        }
        return Path.of(jar);
    }

    public static ThawServerProcess start(String... extraArgs) throws IOException {
        Path state = Files.createTempDirectory("thaw-it-state");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> args = new ArrayList<>(List.of("-jar", jar().toString(), "serve"));
        args.addAll(List.of(extraArgs));
        ServerParameters params = ServerParameters.builder(java)
                .args(args)
                .addEnvVar("XDG_STATE_HOME", state.toString())
                .build();
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
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(30))
                .clientInfo(McpSchema.Implementation.builder("thaw-it", "1.0").build())
                .build();
        self[0] = new ThawServerProcess(state, client);
        self[0].stderr.addAll(early);
        return self[0];
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
        try (Stream<Path> walk = Files.walk(stateHome)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
