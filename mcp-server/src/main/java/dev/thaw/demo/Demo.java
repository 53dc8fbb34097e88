package dev.thaw.demo;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code thaw demo}: starts a real hung process and runs the loop an assistant would, against the
 * real MCP server ({@code thaw serve}, started from this same jar and driven by the SDK's client), so
 * what it prints is exactly what an assistant would see. Ends by stopping the scenario and naming the
 * session log the server wrote.
 */
public final class Demo {

    private final PrintStream out;

    public Demo(PrintStream out) {
        this.out = out;
    }

    public int run(boolean forceJava) {
        Optional<Path> python = forceJava ? Optional.empty() : Scenario.findPython314();
        heading("thaw demo: ask a frozen process what it is doing");
        try (Scenario scenario = python.isPresent()
                ? Scenario.startPython(python.get(), "py-lock-ordering", "lock_ordering.py")
                : Scenario.startJava("java-monitor-lock-ordering");
             McpSyncClient client = connect()) {
            say("Started scenario '" + scenario.name() + "' as pid " + scenario.pid() + " ("
                    + (python.isPresent() ? "python3.14: " + python.get() : "Java, no python3.14 found; set THAW_PYTHON or run scripts/provision-test-pythons.sh for the Python demo")
                    + "). It hangs within a second, printing nothing and throwing nothing.");
            McpSchema.InitializeResult init = client.initialize();
            say("Connected to the MCP server " + init.serverInfo().name() + " " + init.serverInfo().version()
                    + " over stdio, as Claude Code would. Tools: "
                    + client.listTools().tools().stream().map(McpSchema.Tool::name).collect(Collectors.joining(", ")) + ".");

            step(1, "Find the process", "list_processes", Map.of("match", "scenario", "runtime", "any"));
            show(client.callTool(call("list_processes", Map.of("match", "scenario"))));

            step(2, "Can thaw look inside it?", "doctor", Map.of("pid", scenario.pid()));
            show(client.callTool(call("doctor", Map.of("pid", scenario.pid()))));

            boolean hasSnapshot = client.listTools().tools().stream().anyMatch(t -> t.name().equals("snapshot"));
            if (hasSnapshot) {
                step(3, "Look without touching: read every thread's stack from outside", "snapshot",
                        Map.of("pid", scenario.pid(), "samples", 3, "interval_ms", 200));
                show(client.callTool(call("snapshot", Map.of("pid", scenario.pid(), "samples", 3, "interval_ms", 200))));
            }

            heading("Root cause (the scenario's answer key)");
            say(answerKey(scenario.name()));
            if (!hasSnapshot) {
                say("This build has list_processes and doctor; the stack snapshot that shows the two workers "
                        + "each holding one lock and waiting for the other arrives with the snapshot tool.");
            }
            say("");
            say("Stopping pid " + scenario.pid() + ".");
            return 0;
        } finally {
            say("Session log of this demo: " + latestSessionLog());
        }
    }

    private McpSyncClient connect() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ServerParameters params = ServerParameters.builder(java)
                .args("-Xlog:disable", "-Xlog:all=warning:stderr", // JVM warnings must not reach the protocol
                        "-cp", System.getProperty("java.class.path"), "dev.thaw.cli.Main", "serve")
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> { });
        return McpClient.sync(transport)
                .clientInfo(McpSchema.Implementation.builder("thaw-demo", "1").build())
                .requestTimeout(Duration.ofSeconds(60))
                .build();
    }

    private static McpSchema.CallToolRequest call(String tool, Map<String, Object> args) {
        return McpSchema.CallToolRequest.builder(tool).arguments(args).build();
    }

    private void show(McpSchema.CallToolResult result) {
        String text = result.content().stream()
                .filter(c -> c instanceof McpSchema.TextContent)
                .map(c -> ((McpSchema.TextContent) c).text())
                .collect(Collectors.joining("\n"));
        for (String line : text.split("\n")) {
            out.println("    " + line);
        }
        if (Boolean.TRUE.equals(result.isError())) {
            out.println("    (the tool refused: the message above says why and how to fix it)");
        }
    }

    private void step(int n, String title, String tool, Map<String, Object> args) {
        heading("Step " + n + ": " + title);
        say("→ " + tool + " " + args);
    }

    private void heading(String title) {
        out.println();
        out.println("== " + title);
    }

    private void say(String line) {
        out.println(line);
    }

    private static String answerKey(String scenario) {
        String json = Scenario.resource("/scenarios/" + scenario + ".answer.json");
        @SuppressWarnings("unchecked")
        Map<String, Object> key = dev.thaw.Json.mapper().readValue(json, Map.class);
        return String.valueOf(key.get("postmortem"));
    }

    private static String latestSessionLog() {
        Path dir = dev.thaw.session.StateDirs.sessions();
        try (var files = java.nio.file.Files.list(dir)) {
            List<Path> logs = files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
            return logs.isEmpty() ? dir.toString() : logs.get(logs.size() - 1).toString();
        } catch (java.io.IOException e) {
            return dir.toString();
        }
    }
}
