package dev.thaw.process;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStat;
import dev.thaw.proc.ProcStatus;
import dev.thaw.proc.ProcessGoneException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Lists the processes visible in /proc with their runtime and whether thaw can look inside them.
 * One operation behind both {@code list_processes} and {@code thaw ps}.
 *
 * <p>Processes that exit mid-scan and kernel threads are counted as skipped, never reported as
 * errors; processes whose files we may not read are listed with the reason.
 */
public final class ProcessLister {

    private final ProcFs proc;
    private final RuntimeDetectors detectors;
    private final UserNames users = new UserNames();
    private final BootClock clock = new BootClock();
    private final Namespaces namespaces;
    private final int selfPid = (int) ProcessHandle.current().pid();

    public ProcessLister(ProcFs proc, RuntimeDetectors detectors) {
        this.proc = proc;
        this.detectors = detectors;
        this.namespaces = new Namespaces(proc);
    }

    public ProcessList list(ProcessQuery query) {
        Pattern command = query.commandPattern();
        Integer uid = null;
        if (query.user() != null) {
            uid = users.uid(query.user());
            if (uid == null) {
                throw new ThawException(ErrorCode.INVALID_ARGUMENT, "user: no user named '" + query.user() + "' on this machine.",
                        "Pass an existing user name or a numeric uid.");
            }
        }
        List<ProcessInfo> out = new ArrayList<>();
        int scanned = 0;
        int skipped = 0;
        for (int pid : proc.pids()) {
            scanned++;
            if (pid == selfPid) {
                continue;
            }
            try {
                ProcStat stat = proc.stat(pid);
                if (stat.isKernelThread()) {
                    skipped++;
                    continue;
                }
                describe(pid, stat, query, command, uid).ifPresent(out::add);
            } catch (ProcessGoneException e) {
                skipped++; // exited during the scan
            } catch (RuntimeException e) {
                // Anything unexpected about one process must not break the listing of the others.
                skipped++;
                org.slf4j.LoggerFactory.getLogger(ProcessLister.class).debug("skipping pid {}: {}", pid, e.toString());
            }
        }
        return new ProcessList(out, scanned, skipped);
    }

    /** One process, whatever the filters; for doctor and for validating a pid argument. */
    public ProcessInfo describe(int pid) {
        ProcStat stat = proc.stat(pid);
        if (stat.isKernelThread()) {
            throw new ThawException(ErrorCode.KERNEL_THREAD, "Process " + pid + " (" + stat.comm() + ") is a kernel thread.",
                    "Kernel threads run no Python or Java code; pick a user process from list_processes.");
        }
        return build(pid, stat, proc.status(pid));
    }

    private Optional<ProcessInfo> describe(int pid, ProcStat stat, ProcessQuery query, Pattern command, Integer uid) {
        ProcStatus status = proc.status(pid);
        if (uid != null && status.realUid() != uid) {
            return Optional.empty();
        }
        if (command != null) {
            String cmd = commandLine(pid, stat);
            if (!command.matcher(cmd).find()) {
                return Optional.empty();
            }
        }
        ProcessInfo info = build(pid, stat, status);
        return query.wantsRuntime(info.runtime()) ? Optional.of(info) : Optional.empty();
    }

    private ProcessInfo build(int pid, ProcStat stat, ProcStatus status) {
        String user = users.name(status.realUid());
        String start = clock.toInstant(stat.startTimeTicks()).toString();
        String cmd = bound(commandLine(pid, stat));
        ContainerHint container = namespaces.hint(pid, status);
        if (status.isZombie()) {
            return new ProcessInfo(pid, stat.ppid(), user, status.realUid(), start, cmd, RuntimeInfo.none(), container,
                    false, "zombie: the process has exited and waits for its parent (pid " + stat.ppid() + ") to reap it");
        }
        Optional<RuntimeDetectors.Match> match;
        try {
            match = detectors.identify(pid, status);
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            // Not allowed to look (another user's process, no CAP_SYS_PTRACE): say so instead of guessing.
            return unverified(pid, stat, status, user, start, cmd, container, e);
        }
        if (match.isPresent()) {
            RuntimeDetector.Detection det = match.get().detection();
            return new ProcessInfo(pid, stat.ppid(), user, status.realUid(), start, cmd, det.runtime(), container,
                    det.attachable(), det.attachable() ? null : det.reason());
        }
        return new ProcessInfo(pid, stat.ppid(), user, status.realUid(), start, cmd, RuntimeInfo.none(), container,
                false, "no Python 3.14+ or JVM runtime found in this process");
    }

    /**
     * A process whose memory maps we may not read. Its runtime cannot be verified; the kind shown is
     * only what its command name suggests (python..., java), with no version, and it is not attachable.
     */
    private ProcessInfo unverified(int pid, ProcStat stat, ProcStatus status, String user, String start, String cmd,
                                   ContainerHint container, ThawException why) {
        String name = stat.comm().toLowerCase(java.util.Locale.ROOT);
        String kind = name.startsWith("python") ? RuntimeInfo.CPYTHON : name.equals("java") ? RuntimeInfo.HOTSPOT : RuntimeInfo.NONE;
        RuntimeInfo runtime = new RuntimeInfo(kind, null, null,
                kind.equals(RuntimeInfo.NONE) ? null : "runtime not verified: its memory maps are not readable by thaw");
        String reason = why.getMessage() + (why.fix() == null ? "" : " Fix: " + why.fix());
        return new ProcessInfo(pid, stat.ppid(), user, status.realUid(), start, cmd, runtime, container, false, reason);
    }

    /** The command line, or [comm] for processes with an empty one (as ps does). */
    private String commandLine(int pid, ProcStat stat) {
        String cmd;
        try {
            cmd = proc.cmdline(pid);
        } catch (ThawException e) {
            if (e instanceof ProcessGoneException) {
                throw e;
            }
            cmd = "";
        }
        return cmd.isBlank() ? "[" + stat.comm() + "]" : cmd;
    }

    static String bound(String cmd) {
        StringBuilder sb = new StringBuilder(Math.min(cmd.length(), ProcessInfo.MAX_COMMAND + 1));
        for (int i = 0; i < cmd.length() && sb.length() < ProcessInfo.MAX_COMMAND; i++) {
            char c = cmd.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (cmd.length() > ProcessInfo.MAX_COMMAND) {
            sb.append('…');
        }
        return sb.toString();
    }
}
