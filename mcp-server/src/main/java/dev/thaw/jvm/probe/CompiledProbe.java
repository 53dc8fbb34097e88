package dev.thaw.jvm.probe;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A probe compiled for one target.
 *
 * @param probeClass the binary name of the class implementing {@code dev.thaw.agent.Probe}
 * @param classes    every class file the source produced, by binary name
 * @param release    the {@code --release} it was compiled for
 * @param notes      what the caller should know (e.g. compiled for an older release than the target's)
 * @param compileMs  time spent in javac (0 when it came from the cache)
 */
public record CompiledProbe(String probeClass, Map<String, byte[]> classes, int release, List<String> notes,
                            double compileMs) {

    public CompiledProbe {
        classes = Map.copyOf(classes);
        notes = List.copyOf(notes);
    }

    CompiledProbe cached() {
        return new CompiledProbe(probeClass, classes, release, notes, 0);
    }

    /** The bundle injector-agent reads ({@code ProbeLoader.readBundle}): magic, count, (name, bytes)*. */
    public byte[] bundle() {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bo);
            out.write("THAWCLS1".getBytes(StandardCharsets.US_ASCII));
            out.writeInt(classes.size());
            for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
            out.flush();
            return bo.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
