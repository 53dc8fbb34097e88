package dev.thaw.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code thaw serve}: the MCP server over stdio. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the MCP server over stdio (for Claude Code: claude mcp add thaw -- /abs/path/thaw serve).",
            "stdout carries MCP messages only; logs go to stderr and the log file."})
public final class ServeCommand implements Callable<Integer> {

    private static volatile boolean serving;

    static boolean isServing() {
        return serving;
    }

    @Override
    public Integer call() {
        serving = true;
        return 0;
    }
}
