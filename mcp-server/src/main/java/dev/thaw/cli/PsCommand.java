package dev.thaw.cli;

import dev.thaw.Json;
import dev.thaw.app.Services;
import dev.thaw.process.ProcessListText;
import dev.thaw.process.ProcessListView;
import dev.thaw.process.ProcessQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code thaw ps}: the same operation as the {@code list_processes} tool, rendered for a terminal. */
@Command(name = "ps", header = "List Python and JVM processes and whether thaw can attach.", mixinStandardHelpOptions = true,
        description = {"List Python and JVM processes with their exact runtime version and whether thaw can attach.",
            "Same operation as the MCP tool list_processes."})
public final class PsCommand implements Callable<Integer> {

    @Option(names = {"-a", "--all"}, description = "List every process, not only Python and JVM ones.")
    boolean all;

    @Option(names = {"-r", "--runtime"}, paramLabel = "RUNTIME", description = "cpython, hotspot or any (default).")
    String runtime;

    @Option(names = {"-m", "--match"}, paramLabel = "TEXT", description = "Keep command lines containing TEXT (case-insensitive).")
    String match;

    @Option(names = {"-E", "--regex"}, description = "Treat --match as a regular expression.")
    boolean regex;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Keep processes of USER (name or uid).")
    String user;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "1000", description = "Show at most N processes (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print the structured result (as list_processes returns it).")
    boolean json;

    @Override
    public Integer call() {
        ProcessQuery query = new ProcessQuery(all ? "all" : runtime, match, regex, user);
        ProcessListView view = ProcessListView.of(new Services().lister().list(query), Math.max(1, limit));
        Stdout.stream().print(json ? Json.write(view) + "\n" : ProcessListText.render(view));
        return 0;
    }
}
