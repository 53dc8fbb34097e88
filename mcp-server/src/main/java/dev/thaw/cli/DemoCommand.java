package dev.thaw.cli;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.demo.Demo;
import dev.thaw.demo.Playbook;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code thaw demo}: a guided diagnosis of a real hung process, through the real MCP server. */
@Command(name = "demo", header = "Diagnose a real hung process through the MCP server, step by step.", mixinStandardHelpOptions = true,
        description = {"Start a hang scenario from sample-deadlock-app (default: the gevent worker frozen on a thread pool "
            + "when python3.14 with gevent is available — $THAW_PYTHON, /var/lib/thaw/bin or PATH —, a starved Python thread "
            + "pool without gevent, a Java deadlock without python3.14, which the demo says in one line with how to get python3.14), drive the MCP server the way an assistant would "
            + "(list, snapshot, catalog diagnostics), check the outputs against the scenario's answer key, print the root "
            + "cause as thaw's findings state it (checked against the key too), stop the process and name the session log. Exit status 1 when an output missed part of the root cause."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--java", description = "Use the Java deadlock scenario even when python3.14 is available.")
    boolean java;

    @Option(names = {"-s", "--scenario"}, paramLabel = "NAME", description = "Run this scenario (see --list).")
    String scenario;

    @Option(names = "--list", description = "List the scenarios and exit.")
    boolean list;

    @Override
    public Integer call() {
        if (list) {
            for (Playbook p : Playbook.ALL) {
                Stdout.stream().println(String.format("%-34s %-8s %s", p.scenario(), p.runtime(), p.question()));
            }
            return 0;
        }
        Demo demo = new Demo(Stdout.stream());
        Playbook play = scenario == null ? demo.defaultPlay(java) : Playbook.find(scenario).orElseThrow(() ->
                new ThawException(ErrorCode.UNKNOWN_SCENARIO, "There is no scenario \"" + scenario + "\".", "Scenarios: "
                        + Playbook.ALL.stream().map(Playbook::scenario).collect(Collectors.joining(", ")) + "."));
        return demo.run(play);
    }
}
