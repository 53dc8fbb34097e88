package dev.thaw.cli;

import dev.thaw.Json;
import dev.thaw.app.Services;
import dev.thaw.process.DoctorReport;
import dev.thaw.process.DoctorText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code thaw doctor [PID]}: the same operation as the {@code doctor} tool. */
@Command(name = "doctor", header = "Check whether thaw can work here, and with a process.", mixinStandardHelpOptions = true,
        description = {"Check the environment (Yama ptrace scope, CAP_SYS_PTRACE, uid) and, for PID, everything that",
            "decides whether snapshot and injection can work, each with the exact fix. Exit status 1 when a check fails."})
public final class DoctorCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "PID", description = "The process to check.")
    Integer pid;

    @Option(names = "--json", description = "Print the structured result (as the doctor tool returns it).")
    boolean json;

    @Override
    public Integer call() {
        Services services = new Services();
        DoctorReport report = pid == null ? services.doctor().environmentOnly() : services.doctor().check(pid);
        Stdout.stream().print(json ? Json.write(report) + "\n" : DoctorText.render(report));
        boolean failed = report.environment().stream().anyMatch(c -> c.failed())
                || report.targetChecks().stream().anyMatch(c -> c.failed());
        return failed ? 1 : 0;
    }
}
