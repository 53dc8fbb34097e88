package dev.thaw.proc;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Tells whether a process is held by the kernel ({@link Suspension}): stopped (state T), stopped by a
 * tracer (state t), or frozen by the cgroup freezer. The one place every operation that needs the
 * target to run asks (JVM attach and its SIGQUIT, injection into either runtime), and the snapshot
 * asks to say so in its notes.
 *
 * <p>Thread states: a job-control stop stops every thread of the process, the leader included, so the
 * leader's state in {@code /proc/PID/stat} decides whether the other threads are read at all (one
 * read instead of one per thread for the usual running process); when the leader is stopped, traced
 * or gone (a zombie leader whose other threads live on), every thread's
 * {@code /proc/PID/task/TID/stat} is read. A process counts as STOPPED when any thread is in T (the
 * group stop is under way or done), TRACED when every thread is in t (a debugger's all-stop; a
 * tracer like strace that lets threads run leaves most of them in S or R, and they do run).
 *
 * <p>The freezer: frozen tasks show as S or D, not T, so the cgroup is read: for cgroup v2
 * {@code cgroup.events} ("frozen 1", which counts frozen ancestors too), for cgroup v1 the freezer
 * controller's {@code freezer.state} (FROZEN or FREEZING). Mount points come from
 * {@code /proc/self/mountinfo}; the paths in {@code /proc/PID/cgroup} are the kernel's and cgroupfs
 * holds no symbolic links, and the files read are a few bytes that never block. Mount points are read
 * at most every few seconds ({@link CgroupMounts}, one per {@link ProcFs}).
 */
public final class Suspensions {

    private final ProcFs proc;

    public Suspensions(ProcFs proc) {
        this.proc = proc;
    }

    /** How the process is held, or empty when it can run (or is gone: the caller finds that out itself). */
    public Optional<Suspension> of(int pid) {
        try {
            Optional<Suspension> byState = byThreadStates(pid);
            return byState.isPresent() ? byState : byFreezer(pid);
        } catch (ProcessGoneException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            // Unreadable (another user's process without CAP_SYS_PTRACE): the operation's own
            // permission check explains that better than a guess here.
            return Optional.empty();
        }
    }

    /** Throws the refusal of {@code operation} when the process is held; returns otherwise. */
    public void refuseIfHeld(int pid, String operation) {
        Optional<Suspension> s = of(pid);
        if (s.isPresent()) {
            throw s.get().refusal(operation);
        }
    }

    private Optional<Suspension> byThreadStates(int pid) {
        char leader = proc.stat(pid).state();
        if (leader != 'T' && leader != 't' && leader != 'Z' && leader != 'X') {
            return Optional.empty();
        }
        int stopped = 0;
        int traced = 0;
        int live = 0;
        int firstTraced = 0;
        for (int tid : proc.tids(pid)) {
            char state;
            try {
                state = proc.taskStat(pid, tid).state();
            } catch (ProcessGoneException | IllegalArgumentException e) {
                continue; // that thread exited meanwhile
            }
            if (state == 'Z' || state == 'X') {
                continue;
            }
            live++;
            if (state == 'T') {
                stopped++;
            } else if (state == 't') {
                traced++;
                if (firstTraced == 0) {
                    firstTraced = tid;
                }
            }
        }
        if (stopped > 0) {
            return Optional.of(new Suspension(pid, Suspension.Kind.STOPPED, stopped, live, 0, null));
        }
        if (live > 0 && traced == live) {
            return Optional.of(new Suspension(pid, Suspension.Kind.TRACED, traced, live,
                    tracerPid(pid, firstTraced), null));
        }
        return Optional.empty();
    }

    /** The {@code TracerPid} of a thread (a tracer attaches to threads, not to processes), or 0. */
    private int tracerPid(int pid, int tid) {
        try {
            for (String line : proc.readString(pid, "task/" + tid + "/status").split("\n")) {
                if (line.startsWith("TracerPid:")) {
                    return Integer.parseInt(line.substring("TracerPid:".length()).trim());
                }
            }
        } catch (RuntimeException e) {
            // unknown: the message then asks to detach "the tracer"
        }
        return 0;
    }

    private Optional<Suspension> byFreezer(int pid) {
        List<CgroupMounts.Mount> shown = null;
        for (String line : proc.readString(pid, "cgroup").split("\n")) {
            // hierarchy-id:controllers:path; cgroup v2 is "0::/path"
            int c1 = line.indexOf(':');
            int c2 = c1 < 0 ? -1 : line.indexOf(':', c1 + 1);
            if (c2 < 0) {
                continue;
            }
            String controllers = line.substring(c1 + 1, c2);
            String path = line.substring(c2 + 1);
            boolean v2 = line.startsWith("0::");
            boolean v1Freezer = !v2 && List.of(controllers.split(",")).contains("freezer");
            if (!v2 && !v1Freezer) {
                continue;
            }
            if (shown == null) {
                shown = proc.cgroupMounts().current();
            }
            for (CgroupMounts.Mount m : shown) {
                if (m.v2() != v2 || (!v2 && !m.freezer())) {
                    continue;
                }
                Path dir = m.dirOf(path);
                if (dir == null) {
                    continue;
                }
                Path file = dir.resolve(v2 ? "cgroup.events" : "freezer.state");
                String content = CgroupMounts.readSmall(file);
                if (content == null) {
                    continue;
                }
                boolean frozen = v2 ? content.lines().anyMatch(l -> l.trim().equals("frozen 1"))
                        : content.trim().equals("FROZEN") || content.trim().equals("FREEZING");
                if (frozen) {
                    return Optional.of(new Suspension(pid, Suspension.Kind.FROZEN, 0, 0, 0,
                            v2 ? dir.resolve("cgroup.freeze").toString() : file.toString()));
                }
                break;
            }
        }
        return Optional.empty();
    }
}
