package dev.thaw.jvm.snapshot;

import java.util.Set;

/** JDK threads that wait on their own queues forever in every healthy JVM: never a hang's cause. */
final class JvmHousekeeping {

    private static final Set<String> NAMES = Set.of("Reference Handler", "Finalizer", "Signal Dispatcher",
            "Common-Cleaner", "Notification Thread", "Attach Listener", "Service Thread", "Monitor Deflation Thread",
            "process reaper", "DestroyJavaVM", "Sweeper thread");

    private JvmHousekeeping() {
    }

    static boolean is(String threadName) {
        return NAMES.contains(threadName);
    }
}
