package dev.thaw.jvm;

import dev.thaw.jvm.AttachState.Status;

import java.util.Optional;

/**
 * Decides a JVM's {@link AttachState} from evidence gathered without touching it. Kept apart
 * from the gathering ({@link JvmProbe}) so each rule is testable on its own.
 */
final class AttachStates {

    private AttachStates() {
    }

    /**
     * @param nsPid               the pid as the target sees itself (the socket is named after it)
     * @param perfAttachable      hsperfdata's capabilities verdict, empty without hsperfdata
     * @param options             the JVM's options, for -XX:+DisableAttachMechanism when
     *                            hsperfdata is missing, and -XX:-EnableDynamicAgentLoading
     * @param rootReadable        whether /proc/PID/root could be followed (else the socket check
     *                            means nothing)
     * @param socketExists        whether /proc/PID/root/tmp/.java_pid{nsPid} is a socket
     * @param catchesSigquit      SigCgt has SIGQUIT and SigIgn does not
     */
    static AttachState decide(int nsPid, Optional<Boolean> perfAttachable, JvmOptions options,
                              boolean rootReadable, boolean socketExists, boolean catchesSigquit) {
        boolean agents = options.flag("EnableDynamicAgentLoading").orElse(true);
        String restart = "Restart the JVM without -XX:+DisableAttachMechanism to use thread dumps and the other"
                + " JVM diagnostics.";
        if (perfAttachable.isPresent() && !perfAttachable.get()) {
            return new AttachState(Status.DISABLED, "The JVM was started with -XX:+DisableAttachMechanism"
                    + " (its hsperfdata capabilities say it is not attachable).", restart, agents);
        }
        if (perfAttachable.isEmpty() && options.flag("DisableAttachMechanism").orElse(false)) {
            return new AttachState(Status.DISABLED, "The JVM was started with -XX:+DisableAttachMechanism"
                    + " (found in its command line or JAVA_TOOL_OPTIONS/JDK_JAVA_OPTIONS).", restart, agents);
        }
        String socket = "/tmp/.java_pid" + nsPid;
        if (socketExists) {
            return new AttachState(Status.LISTENING, "The attach socket " + socket + " is up.", null, agents);
        }
        if (!rootReadable) {
            return new AttachState(Status.UNKNOWN, "Cannot look into the process's file system (/proc/PID/root):"
                    + " it runs as another user or group, or is not dumpable.",
                    "Run thaw as the JVM's user and group, or as root (with CAP_SYS_PTRACE).", agents);
        }
        if (catchesSigquit) {
            return new AttachState(Status.ON_DEMAND, "Attach is enabled; the JVM starts its attach listener on"
                    + " the first request (it catches SIGQUIT).", null, agents);
        }
        return new AttachState(Status.NO_SIGNAL, "No attach socket " + socket + ", and the JVM does not catch"
                + " SIGQUIT (started with -Xrs?), so its attach listener cannot be started from outside;"
                + " a SIGQUIT would kill it.",
                "Restart the JVM with -XX:+StartAttachListener (its socket then exists from startup).", agents);
    }
}
