package dev.thaw;

import java.util.Locale;

/**
 * Every reason thaw refuses or fails, one condition per code. The {@link #wire()} name is what MCP
 * clients ({@code {"error": {"code"}}}), the session log and the tests see, so it never changes once
 * published; code branches on the constant, never on the string. {@link #meaning()} and
 * {@link #defaultFix()} are listed in docs/tools.md ("Error codes"), which a test keeps equal to this
 * enum. A throw site's own fix (naming the pid, the file, the argument) takes precedence over the
 * default one.
 */
public enum ErrorCode {

    // The call itself

    INVALID_ARGUMENT("An argument of the call is missing, malformed or out of range (catalog `params` included); the message names it.",
            "Call again with the argument corrected as the message says; the tool's input schema (CLI: `--help`) lists what is allowed."),
    UNKNOWN_DIAGNOSTIC("No catalog diagnostic has that id.",
            "Call list_diagnostics (CLI: `thaw diagnostics`) and use one of its ids."),
    UNKNOWN_INJECTION("No injection with that id in this server session, or it is older than the injections whose output is kept.",
            "Use the injectionId of a recent inject_script answer, or inject again."),
    UNKNOWN_CURSOR("The snapshot cursor is not one of the recent snapshots the server keeps.",
            "Call snapshot again without cursor for a fresh snapshot."),
    SCRIPT_UNREADABLE("The script file given to `thaw inject --file` cannot be read.",
            "Pass a readable file with --file, or the code itself with --code."),

    // The target process

    PROCESS_GONE("The process does not exist: it exited (or is a zombie), or the pid is wrong.",
            "List the live processes with list_processes (CLI: `thaw ps`) and use a current pid."),
    KERNEL_THREAD("The pid is a kernel thread: it has no user-space memory and runs no Python or Java code.",
            "Pick a user process from list_processes (CLI: `thaw ps`)."),
    SELF_TARGET("The pid is thaw's own JVM or one of its threads.",
            "Pick another process from list_processes (CLI: `thaw ps`)."),
    PROCESS_STOPPED("Every thread of the process is stopped by job control (state T: SIGSTOP, SIGTSTP), so it can run nothing thaw sends.",
            "Resume it with `kill -CONT PID`, then retry; a snapshot of a Python process works while it is stopped."),
    PROCESS_TRACED("Every thread of the process is stopped by a ptrace tracer (state t: a debugger, strace, a profiler).",
            "Detach the tracer (the message names its pid), then retry; a snapshot of a Python process works meanwhile."),
    PROCESS_FROZEN("The process's cgroup is frozen (`docker pause`, the cgroup freezer), so it can run nothing thaw sends.",
            "Unfreeze it (`docker unpause CONTAINER`, or the freezer file the message names), then retry."),
    PERMISSION_DENIED("The kernel or the target refuses thaw access: another user without CAP_SYS_PTRACE, Yama ptrace_scope, a non-dumpable process, JVM attach credentials.",
            "Run thaw as the target's user, or as root with CAP_SYS_PTRACE; `thaw doctor PID` says which rule refuses."),
    PROC_UNREADABLE("The /proc file system cannot be listed.",
            "Run thaw on Linux with /proc mounted at /proc."),
    MEMORY_UNREADABLE("An address range of the target cannot be read: not mapped (any more), or /proc/PID/mem cannot be opened.",
            "If the target is running this is usually a race: retry. Otherwise report it with `thaw doctor PID`."),
    ELF_UNREADABLE("The target's binary or library cannot be opened or read (removed, or not readable for thaw).",
            "Run thaw as a user that can read the target's binary; thaw falls back to scanning memory where it can."),
    ELF_INVALID("The target's binary or library is not a 64-bit little-endian ELF file thaw can parse.",
            "thaw reads 64-bit little-endian ELF binaries (x86-64, aarch64) only."),
    UNSUPPORTED_RUNTIME("The process runs neither CPython nor a HotSpot JVM thaw can work with.",
            "Check the pid with list_processes (CLI: `thaw ps`): its runtime and reason columns say what it is."),
    TARGET_CHANGED("The process exec'd another program since thaw identified it (same pid, other runtime or version); nothing was armed.",
            "Call again: thaw identifies the process anew."),

    // CPython targets

    NOT_PYTHON("The process is not a CPython process thaw can read or inject into: no initialised _PyRuntime with debug offsets.",
            "Pick a Python process from list_processes (CLI: `thaw ps --runtime cpython`)."),
    UNSUPPORTED_VERSION("The Python is not one thaw supports, for reading and injecting alike: 3.13 or older, a pre-release, newer than 3.15, or a free-threaded build.",
            "Run the program on a final release of CPython 3.14 or 3.15 (default GIL build); for other versions, py-spy or the interpreter's faulthandler can dump stacks."),
    UNSUPPORTED_LAYOUT("The interpreter's _Py_DebugOffsets or thread state offsets are not the layout thaw knows for its version (a patched or unusual build).",
            "Report it with the output of `thaw doctor PID`."),
    NO_INTERPRETER("The process has no running main interpreter: it is starting up or shutting down.",
            "Retry in a moment; if the process is exiting there is nothing left to read or inject into."),
    INCONSISTENT_READ("The interpreter's thread list kept changing while thaw read it.",
            "Retry; if the process is starting up or shutting down, wait until it settles."),
    REMOTE_DEBUG_DISABLED("Remote debugging is off in the interpreter (PYTHON_DISABLE_REMOTE_DEBUG, -X disable-remote-debug, a build without it), so it runs no injected script.",
            "Restart the program without PYTHON_DISABLE_REMOTE_DEBUG and -X disable-remote-debug; snapshot still works without it."),
    NO_THREADS("The interpreter has no Python thread states (it is shutting down), so nothing can run a script.",
            "snapshot can still look at the process."),
    NO_MAIN_THREAD("`thread: \"main\"` was asked, but the interpreter has no main thread state (its main script returned, or it is embedded).",
            "Use thread \"auto\" or the native id of a Python thread from snapshot."),
    NO_SUCH_THREAD("The thread id given is not a Python thread of the process.",
            "Use thread \"auto\", \"main\", or the native id of a Python thread from snapshot."),
    THREADS_EXITED("The threads thaw chose exited before they could be armed; nothing was armed.",
            "Inject again."),
    PATH_TOO_LONG("The script path inside the target is longer than PEP 768 accepts (511 bytes).",
            "Give the target a shorter temporary directory (TMPDIR)."),

    // JVM targets

    NOT_A_JVM("The process is not a HotSpot JVM.",
            "Pick a JVM from list_processes (CLI: `thaw ps --runtime hotspot`)."),
    UNSUPPORTED_JVM("The JVM is older than Java 8, which thaw's probe agent needs.",
            "Use the agent-less tools (snapshot, jvm_diagnostic) on it."),
    ATTACH_DISABLED("The JVM was started with attach disabled (-XX:+DisableAttachMechanism).",
            "Restart the JVM without -XX:+DisableAttachMechanism; `thaw doctor PID` shows its flags."),
    ATTACH_NO_SIGNAL("The JVM has no attach socket and does not catch SIGQUIT (-Xrs), so its attach listener cannot be started.",
            "Restart the JVM with -XX:+StartAttachListener so its attach socket exists from startup."),
    ATTACH_NEEDS_JVM_USER("A JDK 8 JVM accepts attach only from its own uid and gid, not from root.",
            "Run thaw as the JVM's user and primary group, e.g. `sudo -u '#UID' -g '#GID' ./thaw ...`."),
    ATTACH_TRIGGER("thaw cannot create the .attach_pid trigger file in the JVM's working directory or /tmp.",
            "Run thaw as the JVM's user, or as root with CAP_SYS_PTRACE."),
    ATTACH_SIGNAL("thaw cannot run kill(1) to send the JVM SIGQUIT.",
            "Install a kill command (procps or coreutils) on the server's PATH."),
    ATTACH_TIMEOUT("The JVM did not start its attach listener, or finish an attach operation, in time (no safepoint reached, or a stuck listener).",
            "Retry; if it keeps timing out the JVM cannot reach a safepoint: read its stacks from memory or a core dump instead."),
    ATTACH_CONNECT("thaw cannot connect to the JVM's attach socket.",
            "If the socket file is stale (left by a killed JVM), delete it; the next attach restarts the listener."),
    ATTACH_IO("The JVM closed the attach connection in the middle of an operation.",
            "Run thaw with the JVM's uid and gid, or as root; keep arguments short; retry."),
    ATTACH_BUSY("Another attach operation on the same JVM is still running.",
            "Retry when the other operation has finished."),
    ATTACH_BAD_REQUEST("The attach request does not fit the JVM's attach protocol (too many arguments, an unknown operation).",
            "Use one of HotSpot's operations with at most three arguments, or a JDK 24+ target."),
    ATTACH_ARGUMENT_TOO_LONG("An attach argument or request is longer than the JVM's attach protocol allows.",
            "Shorten the command; pass data through a file instead of the command line."),
    ATTACH_BAD_REPLY("The JVM answered an attach operation with something thaw cannot parse.",
            "Retry; if it persists, report it with `thaw doctor PID`."),
    ATTACH_OPERATION_FAILED("The JVM refused the attach operation (an unknown command, bad arguments).",
            "Check the command with `jcmd PID help`: the set of diagnostic commands differs between JDK versions."),
    JVM_COMMAND_UNAVAILABLE("The JVM's version has no such diagnostic command (most came with JDK 9).",
            "Use a diagnostic this JDK has (`jcmd PID help`), or run the program on a newer JDK."),
    VTHREAD_DUMP_UNREADABLE("The JVM wrote its virtual-thread dump, but thaw cannot read the file it wrote.",
            "Check the target's /tmp (free space, permissions), or run thaw as the JVM's user."),
    AGENT_LOADING_DISABLED("The JVM refuses dynamically loaded agents (-XX:-EnableDynamicAgentLoading), so Java probes cannot run in it.",
            "Restart the JVM without -XX:-EnableDynamicAgentLoading; the agent-less tools (snapshot, jvm_diagnostic) work as they are."),
    AGENT_LOAD_FAILED("The JVM did not load thaw's probe agent.",
            "Check the target's stderr for the agent's error; the agent-less tools (snapshot, jvm_diagnostic) still work."),
    AGENT_INCOMPATIBLE("The JVM already runs a thaw probe agent of another protocol version, and a loaded agent cannot be replaced.",
            "Use the thaw version that loaded it, or restart the JVM; the agent-less tools work as they are."),
    NO_COMPILER("thaw runs on a Java runtime without jdk.compiler, so it cannot compile Java probes.",
            "Run thaw with a full JDK 17 or newer (JAVA_HOME pointing to a JDK, not a JRE)."),

    // Injection

    RUNTIME_MISMATCH("The script or diagnostic is written for another runtime than the target's (Python code for a JVM, say); nothing ran.",
            "Pick a diagnostic for the target's runtime (list_diagnostics runtime=...), or send code in its language."),
    NO_WRITABLE_TEMP("thaw cannot create a private injection directory in any of the target's temporary directories.",
            "Give the target a writable /dev/shm or /tmp (inside its container, if it runs in one)."),
    INJECTION_DIR_EXISTS("The new injection directory's name already exists in the target's temporary directory.",
            "Retry: thaw picks a new name each time."),
    TAMPERED("Someone changed thaw's injection directory (or the JVM's /tmp) while thaw worked in it; nothing was delivered.",
            "Find out who else writes into the target's temporary directory; thaw will not work through it meanwhile."),
    PAYLOAD_UNWRITABLE("thaw cannot write the script, probe or its files into the injection directory.",
            "Check free space and permissions of the target's /dev/shm or /tmp."),
    SHUTTING_DOWN("The server is shutting down and takes no new injections.",
            "Start the server again and retry."),
    INTERRUPTED("The operation was interrupted (the server or command is stopping).",
            "Retry."),

    // Approval

    NOT_APPROVED("The approval gate did not approve the injection; nothing ran.",
            "Change the approval policy (`thaw serve --approve`), or approve the request."),
    CUSTOM_SCRIPT_REFUSED("The server runs with --approve deny-custom, under which only catalog diagnostics run; nothing ran.",
            "Use a catalog diagnostic (list_diagnostics), or restart the server with another --approve value."),
    APPROVAL_UNAVAILABLE("The approval policy needs the user's confirmation and the client cannot be asked (no elicitation); nothing ran.",
            "Use a catalog diagnostic, an MCP client that supports elicitation, or `thaw serve --approve auto`."),
    APPROVAL_TIMED_OUT("Nobody answered the confirmation request in time; nothing ran.",
            "Ask again when the user is present, or restart the server with a longer --elicitation-timeout."),
    APPROVAL_FAILED("Asking the user for confirmation failed; nothing ran.",
            "Try again; if it keeps failing, the client's elicitation support is broken: change the --approve policy."),
    APPROVAL_DECLINED("The user declined or cancelled the confirmation; nothing ran.",
            "Do not retry the same script unasked: tell the user what you want to learn and why, or look without touching (snapshot)."),

    // Session logs, replay

    STATE_DIR_UNWRITABLE("thaw cannot create its state directory ($XDG_STATE_HOME/thaw).",
            "Make $XDG_STATE_HOME (or ~/.local/state) writable, or set XDG_STATE_HOME to a writable directory."),
    SESSION_LOG_UNWRITABLE("The session log cannot be written; nothing runs that cannot be recorded.",
            "Check free disk space and permissions of $XDG_STATE_HOME/thaw/sessions, or set XDG_STATE_HOME to a writable directory."),
    LOG_NOT_FOUND("No session log at the path or name given.",
            "Pass the path of a .jsonl log, a session name from $XDG_STATE_HOME/thaw/sessions, or `latest`."),
    LOG_UNREADABLE("The session log exists but cannot be read.",
            "Session logs are private (0600): read them as the user who ran thaw."),
    REPORT_UNWRITABLE("The replay report cannot be written to the path given.",
            "Pass --html a path in an existing, writable directory."),
    RERUN_UNAVAILABLE("This build of thaw has no injection engine, which --rerun needs.",
            "Use a thaw build with inject_script support; the report itself (without --rerun) works."),
    RERUN_SAME_PROCESS("--rerun was pointed at the very process the session diagnosed (same pid and start time).",
            "--rerun compares against a new process: restart the program (with the fix) and pass the new pid."),
    RERUN_NOTHING("The session has no injections to re-run.",
            "Re-run a session in which scripts were injected."),

    // thaw demo

    NO_PYTHON("The demo scenario needs a python3.14 and none was found.",
            "Run scripts/provision-test-pythons.sh (as root), or set THAW_PYTHON to a python3.14."),
    NO_GEVENT("The demo scenario needs gevent in the python3.14 found.",
            "Use the provisioned sid root (scripts/provision-test-pythons.sh installs python3-gevent)."),
    NO_JDK("The demo scenario needs a newer JDK than the ones found.",
            "Install one under /usr/lib/jvm, or run thaw with it (JAVA_HOME)."),
    UNKNOWN_SCENARIO("thaw demo has no scenario of that name.",
            "List the scenarios with `thaw demo --list`."),
    SCENARIO_FAILED("The demo scenario could not be started, or did not report ready.",
            "Run the scenario's command by hand to see why; check the machine's load."),

    // thaw itself

    INTERNAL_ERROR("A bug in thaw: an unexpected exception, whose details went to the server log only.",
            "Other tools keep working; the server log (see `thaw --help`) has the details for a bug report.");

    private final String meaning;
    private final String defaultFix;

    ErrorCode(String meaning, String defaultFix) {
        this.meaning = meaning;
        this.defaultFix = defaultFix;
    }

    /** The stable name clients see, e.g. {@code process_gone}: the constant's name in lower case. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What the condition is, in one line. */
    public String meaning() {
        return meaning;
    }

    /** What would make the operation work, when the throw site knows nothing more specific. */
    public String defaultFix() {
        return defaultFix;
    }

    /** The wire name: what a log line or a message built by concatenation must show. */
    @Override
    public String toString() {
        return wire();
    }
}
