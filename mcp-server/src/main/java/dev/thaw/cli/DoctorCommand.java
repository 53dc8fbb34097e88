package dev.thaw.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code thaw doctor [PID]}. */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Check the environment and a target.")
public final class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
