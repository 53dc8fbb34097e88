package dev.thaw.process;

import dev.thaw.proc.ProcStatus;

import java.util.Optional;

/**
 * Recognises one runtime in a live process by reading the process (never by trusting its name).
 * Must be cheap for processes of other runtimes, and must not throw for them.
 */
public interface RuntimeDetector {

    Optional<Detection> detect(int pid, ProcStatus status);

    /**
     * @param attachable whether thaw can snapshot this process
     * @param reason     one line saying why not, with the fix, when not attachable
     */
    record Detection(RuntimeInfo runtime, boolean attachable, String reason) {
    }
}
