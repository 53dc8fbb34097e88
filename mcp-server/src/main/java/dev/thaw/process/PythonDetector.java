package dev.thaw.process;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStatus;
import dev.thaw.proc.PtraceAccess;
import dev.thaw.proc.PtraceVerdict;
import dev.thaw.python.PythonCaches;
import dev.thaw.python.PythonIdentity;
import dev.thaw.python.PythonProbe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recognises CPython processes (via {@link PythonProbe}, which reads the version from the target's
 * {@code _Py_DebugOffsets}) and explains whether thaw can read and inject into them.
 */
public final class PythonDetector implements RuntimeDetector {

    private final ProcFs proc;
    private final PythonCaches caches;

    public PythonDetector(ProcFs proc) {
        this(proc, new PythonCaches());
    }

    /** @param caches what the Python engine keeps between calls, shared with the other Python services */
    public PythonDetector(ProcFs proc, PythonCaches caches) {
        this.proc = proc;
        this.caches = caches;
    }

    @Override
    public Optional<Detection> detect(int pid, ProcStatus status) {
        return PythonProbe.identify(proc, pid, caches).map(py -> {
            RuntimeInfo runtime = new RuntimeInfo(RuntimeInfo.CPYTHON, py.version() == null ? null : py.version().toString(),
                    py.freeThreaded(), note(py));
            if (!py.supported()) {
                return new Detection(runtime, false, py.unsupportedReason());
            }
            if (!py.versionFromMemory()) {
                PtraceVerdict access = PtraceAccess.check(proc, pid);
                if (!access.allowed()) {
                    return new Detection(runtime, false, access.reason() + "; fix: " + access.fix());
                }
            }
            return new Detection(runtime, true, null);
        });
    }

    @Override
    public RuntimeChecks checks(int pid, ProcStatus status, Detection detection) {
        PythonIdentity py = PythonProbe.identify(proc, pid, caches).orElseThrow(() -> new ThawException(ErrorCode.NOT_PYTHON,
                "Process " + pid + " no longer looks like a CPython process.", "Run doctor again."));
        List<Check> checks = new ArrayList<>();
        String version = py.version() == null ? "CPython older than 3.13" : "CPython " + py.version()
                + (py.freeThreaded() ? " (free-threaded build)" : " (GIL build)");
        String source = py.versionFromMemory() ? "read from _Py_DebugOffsets in its memory"
                : "read from the .PyRuntime section of its binary (memory unreadable)";
        if (py.supported()) {
            checks.add(Check.pass("runtime", version + ", " + source));
        } else {
            checks.add(Check.fail("runtime", version + ": " + py.unsupportedReason(), fixFor(py)));
        }

        PtraceVerdict access = PtraceAccess.check(proc, pid);
        if (access.allowed()) {
            checks.add(Check.pass("memory_access", "thaw may read and write this process's memory (/proc/" + pid + "/mem)"));
        } else {
            checks.add(Check.fail("memory_access", access.reason(), access.fix()));
        }

        Check remote = remoteDebugCheck(pid, py);
        checks.add(remote);
        boolean canSnapshot = py.supported() && access.allowed();
        boolean canInject = canSnapshot && Boolean.TRUE.equals(py.remoteDebugEnabled());
        return new RuntimeChecks(checks, canSnapshot, canInject);
    }

    private Check remoteDebugCheck(int pid, PythonIdentity py) {
        if (py.version() != null && py.version().minor() < 14 && py.version().major() == 3) {
            return Check.fail("remote_debug", "Python " + py.version() + " has no PEP 768 remote debugging (it arrived in 3.14)",
                    "injection needs Python 3.14+; for this process only reading stacks is possible");
        }
        Boolean enabled = py.remoteDebugEnabled();
        if (Boolean.TRUE.equals(enabled)) {
            return Check.pass("remote_debug", "PEP 768 remote debugging is enabled in the main interpreter's config");
        }
        if (enabled == null) {
            return Check.warn("remote_debug", "could not read config.remote_debug of the main interpreter",
                    "check memory_access above; injection will tell for sure");
        }
        return Check.fail("remote_debug", "remote debugging is disabled in the interpreter's config (" + disabledCause(pid)
                        + "): injection is refused; snapshot still works",
                "restart the process without PYTHON_DISABLE_REMOTE_DEBUG and without -X disable-remote-debug");
    }

    /** Why config.remote_debug is 0, from what the process was started with. */
    private String disabledCause(int pid) {
        List<String> argv;
        List<String> env;
        try {
            argv = proc.argv(pid);
        } catch (ThawException e) {
            argv = List.of();
        }
        try {
            env = proc.environ(pid);
        } catch (ThawException e) {
            env = List.of();
        }
        for (int i = 0; i + 1 < argv.size(); i++) {
            if (argv.get(i).equals("-X") && argv.get(i + 1).startsWith("disable-remote-debug")) {
                return "started with -X disable-remote-debug";
            }
        }
        for (String a : argv) {
            if (a.startsWith("-Xdisable-remote-debug")) {
                return "started with -X disable-remote-debug";
            }
        }
        for (String var : env) {
            if (var.startsWith("PYTHON_DISABLE_REMOTE_DEBUG=")) {
                return "its environment sets " + var;
            }
        }
        return "not from the command line or environment: the interpreter was built --without-remote-debug or embedded with PyConfig.remote_debug = 0";
    }

    private static String note(PythonIdentity py) {
        if (Boolean.FALSE.equals(py.remoteDebugEnabled()) && py.supported()) {
            return "remote debugging disabled: snapshot works, injection is refused";
        }
        return null;
    }

    private static String fixFor(PythonIdentity py) {
        if (py.freeThreaded()) {
            return "free-threaded builds are not supported yet; use a GIL build of the same version";
        }
        return "thaw reads CPython 3.14 and 3.15 (final releases); run the program on one of those";
    }
}
