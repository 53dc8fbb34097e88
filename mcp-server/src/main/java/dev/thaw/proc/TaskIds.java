package dev.thaw.proc;

import java.util.HashMap;
import java.util.Map;

/**
 * Thread ids as a process sees them versus as {@code /proc} here names them. A runtime records the
 * ids of its own PID namespace (CPython's {@code native_thread_id}); for a
 * process in a container with its own PID namespace those are not the ids of
 * {@code /proc/PID/task/TID} on the host, so every per-thread kernel file must be looked up through
 * this map. In the common case (the same namespace) it is the identity and costs nothing. (The JVM
 * engine shows no kernel states for a namespaced JVM, so only the Python engine uses it.)
 */
public final class TaskIds {

    /** The process sees the same ids as thaw. */
    public static final TaskIds SAME = new TaskIds(null, 0);

    /** Namespace id to host id; null for {@link #SAME}. */
    private final Map<Integer, Integer> hostOf;
    private final int ownPid;

    private TaskIds(Map<Integer, Integer> hostOf, int ownPid) {
        this.hostOf = hostOf;
        this.ownPid = ownPid;
    }

    /**
     * The map of a process in a nested PID namespace, read from each of its threads'
     * {@code NSpid} line (one file per thread: only paid for such processes). Threads that exit
     * meanwhile are left out.
     */
    public static TaskIds read(ProcFs proc, int pid) {
        ProcStatus st = proc.status(pid);
        if (!st.inOtherPidNamespace()) {
            return SAME;
        }
        Map<Integer, Integer> map = new HashMap<>();
        for (int tid : proc.tids(pid)) {
            try {
                map.put(ProcStatusParser.parse(tid, proc.readString(pid, "task/" + tid + "/status")).innermostPid(), tid);
            } catch (ProcessGoneException e) {
                // the thread exited while the map was read
            }
        }
        return new TaskIds(map, st.innermostPid());
    }

    /** The id {@code /proc/PID/task/} uses for a thread id the process reported, or -1 if none has it. */
    public int host(long tid) {
        if (hostOf == null) {
            return (int) tid;
        }
        Integer h = hostOf.get((int) tid);
        return h == null ? -1 : h;
    }

    /** The process's own pid as it sees it (its main thread's id), or {@code pid} when not nested. */
    public int ownPid(int pid) {
        return hostOf == null ? pid : ownPid;
    }
}
