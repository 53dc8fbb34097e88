package dev.thaw.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The process's real standard output, captured before {@code System.out} is pointed at stderr.
 * In {@code thaw serve} only the MCP transport writes here; CLI commands print their results here.
 * Everything else, a stray println from any library included, lands on stderr.
 */
public final class Stdout {

    private static volatile PrintStream real = System.out;

    private Stdout() {
    }

    /**
     * Captures the real stdout ({@code protocol}: for MCP, else for the CLI) and redirects System.out to stderr. Call first thing in main, before
     * any logger exists. stderr itself becomes non-blocking ({@link StderrPump}), so a client that does
     * not drain our stderr can never stall a thread that logs or prints.
     */
    public static void capture(boolean protocol) {
        java.io.OutputStream fd1 = new java.io.FileOutputStream(java.io.FileDescriptor.out);
        // The CLI's output quotes the target (thread names, command lines, script output) and usually
        // reaches a terminal: control characters are shown escaped. The MCP protocol is JSON, written as is.
        real = new PrintStream(protocol ? fd1 : new TerminalSafeStream(fd1), true, StandardCharsets.UTF_8);
        PrintStream err = StderrPump.create();
        System.setErr(err);
        System.setOut(err);
    }

    public static PrintStream stream() {
        return real;
    }

    public static PrintWriter writer() {
        return new PrintWriter(real, true, StandardCharsets.UTF_8);
    }
}
