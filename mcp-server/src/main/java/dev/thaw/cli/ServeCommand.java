package dev.thaw.cli;

import dev.thaw.Services;
import dev.thaw.mcp.ThawServer;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code thaw serve}: the MCP server over stdio. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the MCP server over stdio. Register it with Claude Code:",
            "  claude mcp add thaw -- /absolute/path/to/thaw serve",
            "stdout carries MCP messages only; logs go to stderr and the log file; every tool call is",
            "recorded in a session log under $XDG_STATE_HOME/thaw/sessions/."})
public final class ServeCommand implements Callable<Integer> {

    private static volatile boolean serving;

    static boolean isServing() {
        return serving;
    }

    @Override
    public Integer call() {
        ThawServer.start(new Services(), System.in, Stdout.stream());
        serving = true;
        return 0;
    }
}
