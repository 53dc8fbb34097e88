package dev.thaw.agent;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The throwaway class loader of one probe: defines the shipped classes, delegates everything else
 * to its parent (the system loader, or the context loader of a thread the caller chose), except
 * thaw's own {@code dev.thaw.agent} classes, which always come from the agent's loader so that the
 * {@link Probe} the probe implements is the one the agent calls, whatever the parent does. The
 * application never sees the probe's classes, and the loader becomes unreachable after the run.
 *
 * <p>The probe is in a different runtime package from the application's classes even when the
 * package names match, so package-private members are reachable through reflection only.
 */
final class ProbeLoader extends ClassLoader {

    private static final String MAGIC = "THAWCLS1";

    private final Map<String, byte[]> classes;

    ProbeLoader(ClassLoader parent, Map<String, byte[]> classes) {
        super(parent);
        this.classes = classes;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith("dev.thaw.agent.")) {
            return Class.forName(name, false, ProbeLoader.class.getClassLoader());
        }
        return super.loadClass(name, resolve);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b;
        synchronized (classes) {
            b = classes.remove(name); // defined once; the bytes are not needed afterwards
        }
        if (b == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
    }

    @Override
    public String toString() {
        return "thaw-probe-loader";
    }

    /**
     * Reads the class bundle the server wrote: {@code "THAWCLS1"}, a count, then per class its
     * binary name (modified UTF-8) and its bytes.
     */
    static Map<String, byte[]> readBundle(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            DataInputStream in = new DataInputStream(raw);
            byte[] magic = new byte[MAGIC.length()];
            in.readFully(magic);
            if (!MAGIC.equals(new String(magic, "US-ASCII"))) {
                throw new IOException("not a thaw class bundle: " + file);
            }
            int n = in.readInt();
            Map<String, byte[]> out = new HashMap<String, byte[]>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                out.put(name, b);
            }
            return out;
        } finally {
            raw.close();
        }
    }
}
