package dev.thaw.process;

/**
 * Whether a script injected now could actually run, beyond whether injection is permitted: a
 * runtime's own plan (for CPython, the thread plan of {@code inject_script}).
 */
@FunctionalInterface
public interface DeliveryOutlook {

    DeliveryOutlook NONE = (pid, runtime) -> null;

    /**
     * A check for doctor ({@code injection_delivery}): pass when a thread can pick a script up now,
     * fail (with the fix: what to do instead) when none can within inject_script's default wait;
     * null when this outlook does not apply to the runtime.
     */
    Check check(int pid, RuntimeInfo runtime);
}
