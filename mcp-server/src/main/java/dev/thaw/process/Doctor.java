package dev.thaw.process;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStat;
import dev.thaw.proc.ProcStatus;
import dev.thaw.proc.Suspension;
import dev.thaw.proc.Suspensions;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.PtraceAccess;
import dev.thaw.proc.PtraceVerdict;
import dev.thaw.StateDirs;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code doctor}: checks the environment and, for a pid, everything that decides whether snapshot and
 * injection can work. Each check says pass or fail and, when it fails, the exact fix. One operation
 * behind the MCP tool and {@code thaw doctor}.
 */
public final class Doctor {

    private final ProcFs proc;
    private final ProcessLister lister;
    private final RuntimeDetectors detectors;
    private final DeliveryOutlook delivery;

    public Doctor(ProcFs proc, ProcessLister lister, RuntimeDetectors detectors) {
        this(proc, lister, detectors, DeliveryOutlook.NONE);
    }

    /** @param delivery whether an injection permitted now would also be delivered (the same plan inject_script makes) */
    public Doctor(ProcFs proc, ProcessLister lister, RuntimeDetectors detectors, DeliveryOutlook delivery) {
        this.proc = proc;
        this.lister = lister;
        this.detectors = detectors;
        this.delivery = delivery;
    }

    public DoctorReport environmentOnly() {
        List<Check> env = environment();
        boolean bad = env.stream().anyMatch(Check::failed);
        return new DoctorReport(env, null, List.of(), null, null,
                bad ? "The environment blocks thaw; apply the fixes above." : "The environment is fine. Run doctor with a pid to check a target.");
    }

    public DoctorReport check(int pid) {
        if (pid <= 0) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "pid " + pid + " is not a process id.",
                    "Pass the pid of a live process (list_processes shows them).");
        }
        List<Check> env = environment();
        ProcessInfo info = lister.describe(pid);
        ProcStat stat = proc.stat(pid);
        ProcStatus status = proc.status(pid);
        List<Check> target = new ArrayList<>();

        if (status.isZombie()) {
            target.add(Check.fail("process_state", "zombie: it has exited and waits for its parent (pid " + stat.ppid() + ") to reap it",
                    "Nothing to look at; the process is gone. Find the live process with list_processes."));
            return new DoctorReport(env, info, target, false, false, "Process " + pid + " has exited (zombie).");
        }
        Optional<Suspension> held = new Suspensions(proc).of(pid);
        if (held.isPresent()) {
            // The same check attach and injection refuse with: frozen cgroups show as S or D, not T.
            target.add(Check.warn("process_state", held.get().describe() + ": JVM attach and injection are refused"
                    + " until it runs again", held.get().fix()));
        } else {
            target.add(Check.pass("process_state", "running (state " + stat.state() + ", " + status.threads() + " threads)"));
        }

        ContainerHint container = info.container();
        if (container != null) {
            target.add(Check.info("container", container.summary()
                    + "; thaw reaches its files through /proc/" + pid + "/root"));
        }

        boolean canSnapshot = false;
        boolean canInject = false;
        boolean undeliverable = false;
        String runtimeLine = "No Python 3.14+ or JVM runtime found in process " + pid + ".";
        Optional<RuntimeDetectors.Match> match = Optional.empty();
        try {
            match = detectors.identify(pid, status);
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            // Not even its memory maps are readable: the runtime cannot be identified; say why.
            PtraceVerdict access = PtraceAccess.check(proc, pid);
            target.add(Check.fail("memory_access", access.allowed() ? e.getMessage() : access.reason(),
                    access.allowed() ? e.fix() : access.fix()));
            runtimeLine = "The runtime of process " + pid + " cannot be identified without reading its memory maps.";
        }
        if (match.isPresent()) {
            RuntimeDetector.RuntimeChecks rc = match.get().detector().checks(pid, status, match.get().detection());
            target.addAll(rc.checks());
            canSnapshot = rc.canSnapshot();
            canInject = rc.canInject();
            runtimeLine = null;
            if (canInject) {
                Check now = deliveryCheck(pid, match.get().detection().runtime());
                if (now != null) {
                    target.add(now);
                    undeliverable = now.failed();
                }
            }
        }
        if (runtimeLine != null && target.stream().noneMatch(c -> c.id().equals("memory_access"))) {
            target.add(Check.fail("runtime", runtimeLine.substring(0, runtimeLine.length() - 1),
                    "thaw works with CPython 3.14/3.15 and HotSpot JVMs; pick one from list_processes."));
        }
        return new DoctorReport(env, info, target, canSnapshot, canInject && !undeliverable,
                undeliverable && canSnapshot ? "Process " + pid + ": snapshot works; injection is permitted but cannot be "
                        + "delivered now: no thread can reach a safe point (see injection_delivery). Use snapshot."
                        : verdict(pid, canSnapshot, canInject, target));
    }

    /** The runtime's delivery outlook; never fails the whole doctor run. */
    private Check deliveryCheck(int pid, RuntimeInfo runtime) {
        try {
            return delivery.check(pid, runtime);
        } catch (ProcessGoneException e) {
            throw e;
        } catch (RuntimeException e) {
            return Check.warn("injection_delivery", "could not tell whether a script would be delivered now: "
                    + e.getMessage(), "inject_script answers at once when no thread can run it");
        }
    }

    private static String verdict(int pid, boolean canSnapshot, boolean canInject, List<Check> checks) {
        String first = checks.stream().filter(Check::failed).map(c -> c.id() + ": " + c.fix()).findFirst().orElse(null);
        if (canSnapshot && canInject) {
            return "Process " + pid + ": snapshot and injection can both work.";
        }
        if (canSnapshot) {
            return "Process " + pid + ": snapshot works; injection cannot" + (first == null ? "." : " (" + first + ").");
        }
        return "Process " + pid + ": thaw cannot look inside yet" + (first == null ? "." : " (" + first + ").");
    }

    List<Check> environment() {
        List<Check> checks = new ArrayList<>();
        ProcStatus self = proc.status((int) ProcessHandle.current().pid());
        int euid = self.effectiveUid();
        checks.add(Check.info("user", "thaw runs as " + new UserNames().name(euid) + " (uid " + euid + ", gid " + self.effectiveGid() + ")"));
        boolean cap = PtraceAccess.hasCapSysPtrace(self);
        if (cap) {
            checks.add(Check.pass("cap_sys_ptrace", "CAP_SYS_PTRACE held: any process may be read, whoever owns it"));
        } else {
            checks.add(Check.info("cap_sys_ptrace", "CAP_SYS_PTRACE not held: only dumpable processes of your own user can be read"
                    + " (run as root, or in a container add --cap-add=SYS_PTRACE, to widen)"));
        }
        Integer yama = PtraceAccess.yamaScope();
        if (yama == null) {
            checks.add(Check.pass("yama_ptrace_scope", "no Yama LSM: classic ptrace permission rules apply"));
        } else if (yama == 0) {
            checks.add(Check.pass("yama_ptrace_scope", "kernel.yama.ptrace_scope = 0 (classic rules)"));
        } else if (yama == 1 && !cap) {
            checks.add(Check.fail("yama_ptrace_scope", "kernel.yama.ptrace_scope = 1: only descendants of thaw can be read",
                    "sudo sysctl kernel.yama.ptrace_scope=0 (until reboot), or run thaw as root / with CAP_SYS_PTRACE"));
        } else if (yama == 2 && !cap) {
            checks.add(Check.fail("yama_ptrace_scope", "kernel.yama.ptrace_scope = 2: only CAP_SYS_PTRACE may read other processes",
                    "run thaw as root (or grant CAP_SYS_PTRACE), or sudo sysctl kernel.yama.ptrace_scope=0"));
        } else if (yama == 3) {
            checks.add(Check.fail("yama_ptrace_scope", "kernel.yama.ptrace_scope = 3: reading other processes is disabled, even for root",
                    "only a reboot clears scope 3; set kernel.yama.ptrace_scope below 3 in sysctl.conf and reboot"));
        } else {
            checks.add(Check.pass("yama_ptrace_scope", "kernel.yama.ptrace_scope = " + yama + " (CAP_SYS_PTRACE overrides it)"));
        }
        try {
            var dir = StateDirs.ensurePrivate(StateDirs.sessions());
            checks.add(Files.isWritable(dir)
                    ? Check.pass("session_log", "session logs go to " + dir)
                    : Check.fail("session_log", dir + " is not writable", "fix its permissions or set XDG_STATE_HOME"));
        } catch (ThawException e) {
            checks.add(Check.fail("session_log", e.getMessage(), e.fix()));
        }
        return checks;
    }
}
