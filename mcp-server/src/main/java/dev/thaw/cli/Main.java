package dev.thaw.cli;

import dev.thaw.StateDirs;
import picocli.CommandLine;

/**
 * The {@code thaw} executable. Before anything else runs it captures stdout for the MCP protocol (or
 * the CLI's own output) and points {@code System.out} at stderr, then configures logging to stderr and
 * the log file. No logger may be created before that, so this class has none.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        boolean serve = args.length > 0 && args[0].equals("serve");
        Stdout.capture(serve);
        configureLogging(args);
        CommandLine cli = ThawCommand.commandLine();
        int code = cli.execute(args);
        if (ServeCommand.isServing()) {
            // The SDK's non-daemon stdio reader keeps the JVM alive until stdin reaches EOF.
            return;
        }
        Stdout.stream().flush();
        System.err.flush();
        StderrPump.drain(2000);
        System.exit(code);
    }

    private static void configureLogging(String[] args) {
        boolean serving = args.length > 0 && args[0].equals("serve");
        System.setProperty("thaw.consoleLevel", System.getProperty("thaw.consoleLevel", serving ? "INFO" : "WARN"));
        try {
            System.setProperty("thaw.logFile", StateDirs.ensurePrivate(StateDirs.logs()).resolve("thaw.log").toString());
        } catch (RuntimeException e) {
            System.err.println("thaw: " + e.getMessage() + " (logging to stderr only)");
        }
    }
}
