package dev.thaw.jvm;

import java.util.List;

/**
 * One "Found one Java-level deadlock:" section, as HotSpot reported it (its own cycle detection
 * over monitors and ownable synchronizers, done at the safepoint of the dump).
 *
 * @param waits each thread of the cycle, what it waits for and who holds it
 */
public record ReportedDeadlock(List<Wait> waits) {

    public ReportedDeadlock {
        waits = List.copyOf(waits);
    }

    /**
     * @param thread  the waiting thread's name
     * @param kind    {@code monitor}, {@code ownable synchronizer}, {@code JVM TI raw monitor}
     * @param lock    the object waited for (address may be null for raw monitors)
     * @param heldBy  the owner's name, or the raw text when HotSpot could not name it
     */
    public record Wait(String thread, String kind, LockRef lock, String heldBy) {
    }

    public List<String> threadNames() {
        return waits.stream().map(Wait::thread).toList();
    }
}
