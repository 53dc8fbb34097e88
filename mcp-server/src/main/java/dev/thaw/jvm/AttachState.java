package dev.thaw.jvm;

/**
 * Whether thaw can talk to a JVM over the HotSpot attach socket, decided without touching it.
 *
 * @param status              what the attach mechanism will do
 * @param reason              one line: why this status, with the evidence
 * @param fix                 one line: what would make attach work, or null when nothing is needed
 * @param dynamicAgentLoading false when the JVM was started with -XX:-EnableDynamicAgentLoading
 *                            (agent-less commands still work; loading a probe agent does not)
 */
public record AttachState(Status status, String reason, String fix, boolean dynamicAgentLoading) {

    public enum Status {
        /** The socket {@code /tmp/.java_pid<nspid>} exists: commands can be sent right away. */
        LISTENING,
        /** Attach is enabled and the JVM catches SIGQUIT: the first attach starts the listener. */
        ON_DEMAND,
        /** -XX:+DisableAttachMechanism: the JVM never listens; SIGQUIT would only print a dump. */
        DISABLED,
        /** No socket and SIGQUIT is not caught (-Xrs): the listener cannot be started from outside. */
        NO_SIGNAL,
        /** Not enough could be read to decide (another user's process, or it is still starting). */
        UNKNOWN
    }

    public boolean attachable() {
        return status == Status.LISTENING || status == Status.ON_DEMAND;
    }
}
