package dev.thaw.snapshot;

/**
 * What a JVM thread dump says about a thread beyond the runtime-neutral fields.
 *
 * @param javaId     {@code Thread.getId()} (the {@code #N} of the dump); for a virtual thread it is
 *                   also the snapshot's {@code tid}, as a virtual thread has no kernel thread of its own
 * @param daemon     a daemon thread
 * @param virtual    a virtual thread (JDK 21+, from {@code Thread.dump_to_file})
 * @param status     HotSpot's phrase, e.g. {@code waiting for monitor entry}, {@code parking}
 * @param deadlocked   part of a deadlock cycle ({@link JvmLocks#deadlocks()})
 * @param housekeeping a JDK thread that waits on its own queue forever in every healthy JVM
 *                     (Finalizer, Reference Handler, ...): the ranking puts it behind application threads
 */
public record JvmThreadDetail(long javaId, boolean daemon, boolean virtual, String status, boolean deadlocked,
                              boolean housekeeping) {
}
