package dev.thaw.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code thaw demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "A guided walkthrough.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
