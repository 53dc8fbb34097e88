package dev.thaw.demo;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
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
 * what it prints is exactly what an assistant would see. Ends with what the outputs proved against
 * the scenario's answer key, stops the scenario and names the session log the server wrote.
 */
public final class Demo {

    /** Lines of one tool output shown in the walkthrough; the session log keeps all of it. */
    static final int SHOWN_LINES = 60;

    private final PrintStream out;

    public Demo(PrintStream out) {
        this.out = out;
    }

    /**
     * The scenario the demo runs when none is named: the gevent freeze when it can, a starved Python pool
     * without gevent, and a Java deadlock only when asked (--java) or when no python3.14 exists, which
     * it says in one line, with how to get the Python scenarios.
     */
    public Playbook defaultPlay(boolean forceJava) {
        Optional<Path> python = forceJava ? Optional.empty() : Scenario.findPython314();
        if (python.isEmpty()) {
            if (!forceJava) {
                say("No python3.14 found ($THAW_PYTHON, /var/lib/thaw/bin, PATH), so the Python scenarios cannot run: get them"
                        + " with scripts/provision-test-pythons.sh (as root) or THAW_PYTHON=/path/to/python3.14; running the"
                        + " Java scenario java-monitor-lock-ordering instead.");
            }
            return Playbook.find("java-monitor-lock-ordering").orElseThrow();
        }
        return Playbook.find(Scenario.canImport(python.get(), "gevent") ? "py-gevent-threadpool" : "py-pool-starvation")
                .orElseThrow();
    }

    public int run(Playbook play) {
        heading("thaw demo: ask a frozen process what it is doing — scenario " + play.scenario());
        try (Scenario scenario = start(play); McpSyncClient client = connect()) {
            say("Started " + play.scenario() + " as pid " + scenario.pid() + ". It hangs within two seconds, printing "
                    + "nothing and throwing nothing.");
            say("The question: \"" + play.question() + "\"");
            McpSchema.InitializeResult init = client.initialize();
            say("Connected to the MCP server " + init.serverInfo().name() + " " + init.serverInfo().version()
                    + " over stdio, as Claude Code would. Tools: "
                    + client.listTools().tools().stream().map(McpSchema.Tool::name).collect(Collectors.joining(", ")) + ".");
            Diagnosis.Outcome outcome = Diagnosis.run(client, play, scenario.pid(), new Diagnosis.Listener() {
                @Override
                public void calling(int step, String title, String tool, Map<String, Object> args) {
                    step(step, title, tool, args);
                }

                @Override
                public void answered(String label, McpSchema.CallToolResult result) {
                    if (label.equals("list_diagnostics")) {
                        say(firstLines(Diagnosis.text(result), 1) + " Ids: " + ids(result) + ".");
                    } else {
                        show(result);
                    }
                }
            });
            Map<String, String> outputs = outcome.evidence();

            AnswerKey key = play.answerKey();
            heading("What the outputs prove (checked against the scenario's answer key)");
            List<Evidence.Found> evidence = Evidence.check(key, outputs);
            for (Evidence.Found f : evidence) {
                say((f.found() ? "  ✓ " : "  ✗ ") + singular(f.category()) + " " + f.fact()
                        + (f.found() ? " — named by " + String.join(", ", f.steps()) : " — not named by any output"));
            }
            List<Map<String, Object>> findings = FindingsCheck.of(outcome.results().get("snapshot").structuredContent());
            heading("Root cause, as thaw's findings state it");
            if (findings.isEmpty()) {
                say("thaw's snapshot raised no finding here: no thread is stuck where a rule could name the cause;"
                        + " what the diagnostics above showed is the evidence.");
            }
            for (Map<String, Object> f : findings) {
                say("[" + f.get("kind") + ", " + f.get("confidence") + "] " + f.get("summary"));
                say("  fix: " + f.get("fix"));
            }
            List<FindingsCheck.Item> checked = FindingsCheck.check(key, findings);
            if (!checked.isEmpty()) {
                heading("Do the findings carry the root cause? (checked against the scenario's answer key)");
                for (FindingsCheck.Item i : checked) {
                    say((i.met() ? "  ✓ " : "  ✗ ") + (i.what().equals("kind") ? "a finding of kind " : "the findings name ")
                            + i.expected());
                }
            }
            say("");
            say("Stopping pid " + scenario.pid() + ".");
            return Evidence.missing(evidence).isEmpty() && FindingsCheck.allMet(checked) ? 0 : 1;
        } finally {
            say("Session log of this demo: " + latestSessionLog() + "  (render it: thaw replay latest)");
        }
    }

    private Scenario start(Playbook play) {
        if (play.runtime().equals("cpython")) {
            Path python = Scenario.findPython314().orElseThrow(() -> new ThawException(ErrorCode.NO_PYTHON,
                    "Scenario " + play.scenario() + " needs python3.14, and none was found.",
                    "Run scripts/provision-test-pythons.sh (as root), or set THAW_PYTHON to a python3.14."));
            if ("gevent".equals(play.needs()) && !Scenario.canImport(python, "gevent")) {
                throw new ThawException(ErrorCode.NO_GEVENT, "Scenario " + play.scenario() + " needs gevent in " + python + ".",
                        "Use the provisioned sid root (scripts/provision-test-pythons.sh installs python3-gevent), "
                                + "or pick another scenario: thaw demo --list.");
            }
            return Scenario.startPython(python, play.scenario(), play.script());
        }
        int feature = "jdk21".equals(play.needs()) ? 21 : 8;
        Path java = Scenario.findJava(feature).orElseThrow(() -> new ThawException(ErrorCode.NO_JDK,
                "Scenario " + play.scenario() + " needs a JDK " + feature + " or newer.",
                "Install one under /usr/lib/jvm, or run thaw with it (JAVA_HOME)."));
        return Scenario.startJava(play.scenario(), java);
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
                .requestTimeout(Duration.ofSeconds(120))
                .build();
    }

    private static String ids(McpSchema.CallToolResult result) {
        if (!(result.structuredContent() instanceof Map<?, ?> m) || !(m.get("entries") instanceof List<?> entries)) {
            return "none";
        }
        return entries.stream().map(e -> String.valueOf(((Map<?, ?>) e).get("id"))).collect(Collectors.joining(", "));
    }

    /** Prints the text a model would read (bounded) and returns all of it. */
    private String show(McpSchema.CallToolResult result) {
        String text = Diagnosis.text(result);
        List<String> lines = text.lines().toList();
        for (String line : lines.subList(0, Math.min(SHOWN_LINES, lines.size()))) {
            out.println("    " + line);
        }
        if (lines.size() > SHOWN_LINES) {
            out.println("    … " + (lines.size() - SHOWN_LINES) + " more lines (all of it is in the session log)");
        }
        if (Boolean.TRUE.equals(result.isError())) {
            out.println("    (the tool refused: the message above says why and how to fix it)");
        }
        return text;
    }

    private static String firstLines(String text, int n) {
        return text.lines().limit(n).collect(Collectors.joining("\n"));
    }

    private static String singular(String category) {
        return category.endsWith("s") ? category.substring(0, category.length() - 1) : category;
    }

    private void step(int n, String title, String tool, Map<String, Object> args) {
        heading("Step " + n + ": " + title);
        say("→ " + tool + " " + dev.thaw.Json.write(args));
    }

    private void heading(String title) {
        out.println();
        out.println("== " + title);
    }

    private void say(String line) {
        out.println(line);
    }

    private static String latestSessionLog() {
        Path dir = dev.thaw.StateDirs.sessions();
        try (var files = java.nio.file.Files.list(dir)) {
            List<Path> logs = files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
            return logs.isEmpty() ? dir.toString() : logs.get(logs.size() - 1).toString();
        } catch (java.io.IOException e) {
            return dir.toString();
        }
    }
}
