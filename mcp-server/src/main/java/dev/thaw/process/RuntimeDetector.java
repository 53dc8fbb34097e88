package dev.thaw.process;

import dev.thaw.proc.ProcStatus;

import java.util.List;
import java.util.Optional;

/**
 * Recognises one runtime in a live process by reading the process (never by trusting its name), and
 * explains what decides whether thaw can work with it. Must be cheap for processes of other runtimes,
 * and must not throw for them.
 */
public interface RuntimeDetector {

    Optional<Detection> detect(int pid, ProcStatus status);

    /** The doctor's runtime-specific checks for a process this detector recognised. */
    RuntimeChecks checks(int pid, ProcStatus status, Detection detection);

    /**
     * @param attachable whether thaw can snapshot this process
     * @param reason     one line saying why not, with the fix, when not attachable
     */
    record Detection(RuntimeInfo runtime, boolean attachable, String reason) {
    }

    /**
     * @param canSnapshot whether reading stacks (Python: from memory; JVM: the attach thread dump) can work
     * @param canInject   whether injecting a script (Python) or probe (JVM) can work
     */
    record RuntimeChecks(List<Check> checks, boolean canSnapshot, boolean canInject) {
    }
}
