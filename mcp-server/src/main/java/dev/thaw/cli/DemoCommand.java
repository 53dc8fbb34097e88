package dev.thaw.cli;

import dev.thaw.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code thaw demo}: a guided diagnosis of a real hung process, through the real MCP server. */
@Command(name = "demo", header = "Diagnose a real hung process through the MCP server, step by step.", mixinStandardHelpOptions = true,
        description = {"Start a hung process (a Python 3.14 lock-ordering deadlock when python3.14 is available:",
            "$THAW_PYTHON, /var/lib/thaw/bin or PATH; otherwise a Java one), drive the MCP server the way an",
            "assistant would, print the walkthrough, stop the process and name the session log."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--java", description = "Use the Java scenario even when python3.14 is available.")
    boolean java;

    @Override
    public Integer call() {
        return new Demo(Stdout.stream()).run(java);
    }
}
