package dev.thaw.jvm.probe;

import java.util.Map;
import java.util.Optional;

/**
 * What the compiler and the loader need to know about a target, from its system properties
 * (one agent-less attach operation).
 *
 * @param javaVersion  {@code java.version}
 * @param release      {@code java.specification.version} as a feature number (8 for {@code 1.8})
 * @param classPath    {@code java.class.path}, as the target sees it
 * @param agent        the injector-agent already loaded, if any
 */
public record JvmTargetInfo(String javaVersion, int release, String classPath, Optional<AgentMarker> agent) {

    public static JvmTargetInfo of(Map<String, String> props) {
        String spec = props.getOrDefault("java.specification.version", "0");
        String digits = spec.startsWith("1.") ? spec.substring(2) : spec;
        int release;
        try {
            release = Integer.parseInt(digits.replaceAll("[^0-9].*$", ""));
        } catch (NumberFormatException e) {
            release = 0;
        }
        return new JvmTargetInfo(props.get("java.version"), release, props.getOrDefault("java.class.path", ""),
                AgentMarker.parse(props.get(AgentMarker.PROPERTY)));
    }
}
