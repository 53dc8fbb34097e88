package dev.thaw.replay;

/**
 * The session as its session_start and session_end records describe it; any field may be null when
 * the record is missing or damaged.
 */
public record SessionInfo(String name, String server, String version, String startedAt, Long serverPid, String java,
                          String policy, String elicitationTimeout, String clientName, String clientVersion,
                          Boolean clientElicitation, String rerunOf, String endedAt, String endReason) {

    public String clientLabel() {
        if (clientName == null) {
            return "unknown";
        }
        return clientName + (clientVersion == null ? "" : " " + clientVersion);
    }
}
