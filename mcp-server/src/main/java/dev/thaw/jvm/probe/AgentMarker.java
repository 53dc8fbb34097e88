package dev.thaw.jvm.probe;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a loaded injector-agent publishes in the target's system property {@value #PROPERTY}:
 * {@code <protocol> <id>[,<id>...] <watched dir>...}. Read through the agent-less
 * {@code properties} operation, it tells a thaw server (also one started after the agent was
 * loaded) that the agent is there, which ids it answers to, and where it watches for requests.
 *
 * @param protocol    the request format the agent reads
 * @param ids         agent ids it accepts requests for
 * @param watchedDirs temporary directories (as the target sees them) it watches
 */
public record AgentMarker(String protocol, Set<String> ids, List<String> watchedDirs) {

    public static final String PROPERTY = "dev.thaw.agent";
    /** The protocol of this thaw's request files (injector-agent's {@code ThawAgent.PROTOCOL}). */
    public static final String PROTOCOL = "1";

    public static Optional<AgentMarker> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String[] parts = value.trim().split(" ");
        if (parts.length < 2) {
            return Optional.empty();
        }
        return Optional.of(new AgentMarker(parts[0], Set.copyOf(Arrays.asList(parts[1].split(","))),
                List.of(Arrays.copyOfRange(parts, 2, parts.length))));
    }

    public boolean compatible() {
        return PROTOCOL.equals(protocol);
    }
}
