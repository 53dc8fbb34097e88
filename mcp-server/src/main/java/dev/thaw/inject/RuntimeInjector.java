package dev.thaw.inject;

import java.util.Optional;

/**
 * One runtime's way into a process (CPython through PEP 768; later the JVM through injector-agent).
 * The lifecycle around it — ids, queueing, the private directory, waiting, output, cleanup — is the
 * runtime-neutral {@link InjectionService}; a runtime only writes its payload and arms the target.
 *
 * <p>The contract with the code running in the target is the directory ({@link InjectionDir}):
 * the target creates {@code claim} with O_EXCL before running anything (the run-once guard thaw also
 * uses to cancel), writes {@code status.json} atomically at each step ({@code delivered},
 * {@code running}, {@code completed} or {@code failed}, see {@link StatusFile}), and streams the
 * output to {@code output.part}, renamed to {@code output} at the end.
 */
public interface RuntimeInjector {

    /** {@code cpython}, {@code hotspot}. */
    String runtime();

    /**
     * Tells whether the process is this runtime and can receive a script.
     *
     * @return empty when the process is not this runtime at all
     * @throws dev.thaw.ThawException a refusal with the fix when it is this runtime but cannot
     *                                take a script (version, disabled, permissions)
     */
    Optional<TargetIdentity> identify(int pid);

    /** Writes the runtime's bootstrap and the script into the fresh directory (files private to the target's user). */
    void writePayload(TargetIdentity target, InjectionDir dir, String injectionId, InjectionRequest request);

    /** Arms the target so that it runs the payload. Must not block on the target. */
    Delivery deliver(TargetIdentity target, InjectionDir dir, InjectionRequest request);

    /**
     * Called once the script has ended (or the target exited), just before the directory is removed:
     * a last look at its files. {@code status} is the last status read, or null.
     */
    default void harvest(TargetIdentity target, InjectionDir dir, TargetStatus status) {
    }

    /** The process exited: drop what is kept about it (open /proc files, cached identity). */
    default void forget(TargetIdentity target) {
    }

    /** The service is closing: release whatever is kept for any process. */
    default void close() {
    }

    /**
     * What to tell the caller about a script still running when the wait ends, or null for the
     * default (which explains that a Python thread cannot be stopped from outside).
     */
    default String stillRunningNote(InjectionRequest request, Long tid) {
        return null;
    }
}
