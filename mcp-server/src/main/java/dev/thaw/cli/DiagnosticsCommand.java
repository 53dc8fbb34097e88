package dev.thaw.cli;

import dev.thaw.Json;
import dev.thaw.app.Services;
import dev.thaw.catalog.Catalog;
import dev.thaw.catalog.DiagnosticList;
import dev.thaw.catalog.DiagnosticListText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code thaw diagnostics}: the catalog, as list_diagnostics shows it; {@code --show ID} prints an entry's source. */
@Command(name = "diagnostics", header = "List the vetted catalog diagnostics, or print one's source.",
        mixinStandardHelpOptions = true,
        description = {"List the diagnostics catalog (Python scripts and Java probes thaw ships), as the MCP tool",
            "list_diagnostics does. Run one with `thaw inject PID --diagnostic ID [--param KEY=VALUE]...`."})
public final class DiagnosticsCommand implements Callable<Integer> {

    @Option(names = {"-r", "--runtime"}, paramLabel = "RUNTIME", defaultValue = "any",
            description = "cpython, hotspot or any (default).")
    String runtime;

    @Option(names = "--pid", paramLabel = "PID",
            description = "Only the diagnostics that apply to this process (its runtime; what it needs, e.g. gevent, JDK 21+).")
    Integer pid;

    @Option(names = {"-s", "--show"}, paramLabel = "ID", description = "Print the exact source of this diagnostic.")
    String show;

    @Option(names = "--json", description = "Print the structured result (as list_diagnostics returns it).")
    boolean json;

    @Override
    public Integer call() {
        if (show != null) {
            Stdout.stream().print(Catalog.system().require(show).source());
            return 0;
        }
        if (!runtime.equals("any") && !runtime.equals("cpython") && !runtime.equals("hotspot")) {
            throw new dev.thaw.ThawException(dev.thaw.ErrorCode.INVALID_ARGUMENT, "--runtime must be cpython, hotspot or any.", null);
        }
        DiagnosticList list = pid != null
                ? forProcess(new Services(), pid)
                : DiagnosticList.of(Catalog.system(), runtime);
        Stdout.stream().print(json ? Json.write(list) + "\n" : DiagnosticListText.render(list));
        return 0;
    }

    private static DiagnosticList forProcess(Services services, int pid) {
        return DiagnosticList.forProcess(Catalog.system(), services.lister(), services.proc(), pid);
    }
}
