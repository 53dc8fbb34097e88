package dev.thaw.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code thaw ps}: the processes thaw can look into. */
@Command(name = "ps", mixinStandardHelpOptions = true, description = "List Python and JVM processes.")
public final class PsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
