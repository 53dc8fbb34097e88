package dev.thaw.cli;

import dev.thaw.Json;
import dev.thaw.app.Services;
import dev.thaw.jvm.diag.JvmDiagnostic;
import dev.thaw.jvm.diag.JvmDiagnosticText;
import dev.thaw.jvm.diag.JvmDiagnostics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code thaw jvm PID COMMAND}: the same operation as the {@code jvm_diagnostic} tool. */
@Command(name = "jvm", header = "Agent-less JVM diagnostics: histogram, properties, flags, VM and heap info.", mixinStandardHelpOptions = true,
        description = {"Run an agent-less diagnostic in a HotSpot JVM over its attach socket (no agent, no warning).",
            "COMMAND: class_histogram, system_properties, vm_flags, vm_info, heap_info.",
            "Same operation as the MCP tool jvm_diagnostic."})
public final class JvmCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PID", description = "The JVM.")
    int pid;

    @Parameters(index = "1", paramLabel = "COMMAND", description = "class_histogram, system_properties, vm_flags, vm_info or heap_info.")
    String command;

    @Option(names = "--live", description = "class_histogram: run a full GC first and count live objects only.")
    boolean live;

    @Option(names = {"-n", "--top"}, paramLabel = "N", description = "class_histogram: show the N biggest classes (default 25).")
    Integer top;

    @Option(names = "--json", description = "Print the structured result (as jvm_diagnostic returns it).")
    boolean json;

    @Override
    public Integer call() {
        JvmDiagnostic d = new JvmDiagnostics(new Services().attach()).run(pid, command, live, top);
        Stdout.stream().print(json ? Json.write(d) + "\n" : JvmDiagnosticText.render(d));
        return 0;
    }
}
