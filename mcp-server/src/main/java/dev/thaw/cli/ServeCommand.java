package dev.thaw.cli;

import dev.thaw.app.Services;
import dev.thaw.mcp.wiring.ThawServer;
import dev.thaw.session.approval.ApprovalPolicy;
import dev.thaw.session.approval.ApprovalSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code thaw serve}: the MCP server over stdio. */
@Command(name = "serve", header = "Run the MCP server over stdio.", mixinStandardHelpOptions = true,
        description = {"Run the MCP server over stdio. Register it with Claude Code:",
            "  claude mcp add thaw -- /absolute/path/to/thaw serve",
            "stdout carries MCP messages only; logs go to stderr and the log file; every tool call is",
            "recorded in a session log under $XDG_STATE_HOME/thaw/sessions/."})
public final class ServeCommand implements Callable<Integer> {

    private static volatile boolean serving;

    // --- approval options (dev.thaw.session.approval owner) ---
    @Option(names = "--approve", paramLabel = "POLICY", defaultValue = "custom",
            description = {"Who must agree before a script runs inside a process:",
                "  custom (default): catalog diagnostics run; any other script asks the user (MCP elicitation)",
                "  always: every injection asks the user; deny-custom: catalog diagnostics only;",
                "  auto: nobody is asked. Every script, its hash and the decision are logged in any case."})
    String approve;

    @Option(names = "--elicitation-timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "How long a confirmation request waits for the user (e.g. 90s, 10m; default ${DEFAULT-VALUE}).")
    String elicitationTimeout;

    static boolean isServing() {
        return serving;
    }

    @Override
    public Integer call() {
        ApprovalSettings approval = new ApprovalSettings(ApprovalPolicy.parse(approve),
                ApprovalSettings.parseTimeout(elicitationTimeout));
        ThawServer.start(new Services(), System.in, Stdout.stream(), approval);
        serving = true;
        return 0;
    }
}
