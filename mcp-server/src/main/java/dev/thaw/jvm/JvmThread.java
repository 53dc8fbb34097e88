package dev.thaw.jvm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One thread of a HotSpot {@code Thread.print -l} dump.
 *
 * @param name                 the thread's name
 * @param number               the Java thread number ({@code #12}), or -1 for VM-internal threads
 * @param daemon               whether it is a daemon thread
 * @param priority             the Java priority, or -1 for VM-internal threads
 * @param tid                  the JavaThread address ({@code tid=0x...}); unique among live threads
 *                             of one dump, so it is the key other records refer to
 * @param nid                  the OS thread id (LWP), decimal; JDK 17 prints it in hex, JDK 19+ in
 *                             decimal, and both are converted; -1 when absent
 * @param status               HotSpot's one-phrase status, e.g. {@code waiting for monitor entry}
 * @param state                the java.lang.Thread.State, or null for VM-internal threads
 * @param stateDetail          what follows the state in parentheses ({@code on object monitor},
 *                             {@code parking}, {@code sleeping}), or empty
 * @param frames               the Java frames, innermost first
 * @param ownableSynchronizers the "Locked ownable synchronizers" (j.u.c locks held), empty
 *                             when none or when the dump was taken without {@code -l}
 */
public record JvmThread(
        String name,
        long number,
        boolean daemon,
        int priority,
        String tid,
        long nid,
        String status,
        Thread.State state,
        String stateDetail,
        List<JvmFrame> frames,
        List<LockRef> ownableSynchronizers) {

    public JvmThread {
        frames = List.copyOf(frames);
        ownableSynchronizers = List.copyOf(ownableSynchronizers);
    }

    /** A thread with a java.lang.Thread object (application, JDK and JVM-created Java threads). */
    public boolean isJavaThread() {
        return state != null;
    }

    /**
     * What the thread waits for, from the innermost frame that says so: a monitor to enter or
     * re-enter, a notify in Object.wait(), or a j.u.c synchronizer it parks on.
     */
    public Optional<FrameLock> waitingFor() {
        for (JvmFrame f : frames) {
            for (FrameLock l : f.locks()) {
                if (l.kind().isWait()) {
                    return Optional.of(l);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The monitors this thread holds. A monitor it waits on in Object.wait() (or is re-locking
     * after one) is printed as {@code - locked} on the calling frame but is released meanwhile,
     * so it is left out. Recursive entries appear once.
     */
    public List<LockRef> heldMonitors() {
        Set<String> released = new HashSet<>();
        for (JvmFrame f : frames) {
            for (FrameLock l : f.locks()) {
                if ((l.kind() == FrameLock.Kind.WAITING_ON || l.kind() == FrameLock.Kind.WAITING_TO_RELOCK)
                        && l.lock().hasAddress()) {
                    released.add(l.lock().address());
                }
            }
        }
        Map<String, LockRef> held = new LinkedHashMap<>();
        for (JvmFrame f : frames) {
            for (FrameLock l : f.locks()) {
                if ((l.kind() == FrameLock.Kind.LOCKED || l.kind() == FrameLock.Kind.ELIMINATED)
                        && l.lock().hasAddress() && !released.contains(l.lock().address())) {
                    held.putIfAbsent(l.lock().address(), l.lock());
                }
            }
        }
        return new ArrayList<>(held.values());
    }

    /** Monitors and ownable synchronizers held. */
    public List<LockRef> heldLocks() {
        List<LockRef> all = new ArrayList<>(heldMonitors());
        all.addAll(ownableSynchronizers);
        return all;
    }
}
