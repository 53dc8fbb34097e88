package dev.thaw.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One {@code request} file, written by the server (a {@link Properties} file, so Java 8 reads it
 * with no parser of ours).
 *
 * <pre>
 * protocol=1                 the request format; see {@link ThawAgent#PROTOCOL}
 * agent=&lt;id&gt;                 the agent id the server gave this JVM's agent: other JVMs sharing
 *                            the same /tmp see the request too and must leave it alone
 * id=inj3-ab12               the injection id (thread names)
 * probe=com.example.MyProbe  the class implementing {@link Probe}
 * classes=probe.classes      the class bytes, in the same directory ({@link ProbeLoader#readBundle})
 * timeoutMs=10000            how long the probe may run before it is interrupted
 * cap=4194304                output bytes kept
 * loaderThread=12            optional: Thread.getId() whose context class loader is the parent
 * param.&lt;name&gt;=&lt;value&gt;      the probe's parameters
 * </pre>
 */
final class ProbeRequest {

    final String protocol;
    final String agentId;
    final String id;
    final String probeClass;
    final String classesFile;
    final long timeoutMs;
    final long cap;
    final long loaderThread;
    final Map<String, String> params;

    private ProbeRequest(Properties p) {
        protocol = p.getProperty("protocol", "");
        agentId = p.getProperty("agent", "");
        id = p.getProperty("id", "probe");
        probeClass = p.getProperty("probe", "");
        classesFile = p.getProperty("classes", "probe.classes");
        timeoutMs = Math.max(1, number(p.getProperty("timeoutMs"), 10000));
        cap = Math.max(0, number(p.getProperty("cap"), 4L << 20));
        loaderThread = number(p.getProperty("loaderThread"), -1);
        Map<String, String> m = new TreeMap<String, String>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("param.")) {
                m.put(k.substring("param.".length()), p.getProperty(k));
            }
        }
        params = Collections.unmodifiableMap(new LinkedHashMap<String, String>(m));
    }

    /** The request, or null when it cannot be read (not complete yet, removed, not a request). */
    static ProbeRequest read(Path file) {
        Properties p = new Properties();
        InputStream in = null;
        try {
            in = Files.newInputStream(file);
            p.load(in);
        } catch (IOException e) {
            return null;
        } catch (IllegalArgumentException e) {
            return null;
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
        return p.getProperty("protocol") == null ? null : new ProbeRequest(p);
    }

    private static long number(String s, long fallback) {
        if (s == null) {
            return fallback;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
