package dev.thaw.jvm.probe;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The {@code request} file injector-agent reads (its {@code ProbeRequest}): a Properties file, so
 * a Java 8 target needs no parser; non-ASCII text travels as {@code \\uXXXX} escapes.
 */
final class RequestFile {

    static final String NAME = "request";
    static final String CLASSES = "probe.classes";

    private RequestFile() {
    }

    static byte[] render(String agentId, String injectionId, CompiledProbe probe, ProbeSpec spec, long loaderThread) {
        Properties p = new Properties();
        p.setProperty("protocol", AgentMarker.PROTOCOL);
        p.setProperty("agent", agentId);
        p.setProperty("id", injectionId.replaceAll("[^A-Za-z0-9_.-]", "_"));
        p.setProperty("probe", probe.probeClass());
        p.setProperty("classes", CLASSES);
        p.setProperty("timeoutMs", Long.toString(Math.max(1, spec.timeout().toMillis())));
        p.setProperty("cap", Long.toString(spec.outputCap()));
        if (loaderThread >= 0) {
            p.setProperty("loaderThread", Long.toString(loaderThread));
        }
        for (Map.Entry<String, Object> e : new TreeMap<>(spec.params()).entrySet()) {
            p.setProperty("param." + e.getKey(), text(e.getValue()));
        }
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Strings as they are; anything else as JSON, which is what a caller passing numbers or lists expects to parse. */
    private static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        return dev.thaw.Json.write(v);
    }
}
