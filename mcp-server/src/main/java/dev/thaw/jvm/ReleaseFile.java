package dev.thaw.jvm;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code release} file at the top of a JDK or JRE ({@code JAVA_VERSION="17.0.15"}): the
 * version source when a JVM publishes no hsperfdata (-XX:-UsePerfData).
 */
record ReleaseFile(Map<String, String> values) {

    static ReleaseFile parse(String text) {
        Map<String, String> values = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(line.substring(0, eq).trim(), value);
        }
        return new ReleaseFile(Map.copyOf(values));
    }

    Optional<String> javaVersion() {
        return get("JAVA_VERSION");
    }

    Optional<String> implementor() {
        return get("IMPLEMENTOR");
    }

    private Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }
}
