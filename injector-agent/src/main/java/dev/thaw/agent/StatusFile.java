package dev.thaw.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code status.json} of an injection directory, the contract with thaw's injection lifecycle
 * (the same file the Python bootstrap writes): states {@code delivered}, {@code running},
 * {@code completed}, {@code failed}, written whole to a temporary file and renamed into place, so
 * the server never reads half a status. Nanosecond times are System.nanoTime(), which HotSpot
 * takes from CLOCK_MONOTONIC, the clock of the server's System.nanoTime(), so they line up.
 */
final class StatusFile {

    private static final Charset ASCII = Charset.forName("US-ASCII");

    private final Map<String, Object> fields = new LinkedHashMap<String, Object>();

    StatusFile put(String key, Object value) {
        if (value != null) {
            fields.put(key, value);
        }
        return this;
    }

    /** Writes the status with this state; false when the directory is gone (thaw stopped listening). */
    boolean write(Path dir, String state) {
        Map<String, Object> all = new LinkedHashMap<String, Object>(fields);
        all.put("state", state);
        return atomicWrite(dir, "status.json", json(all).getBytes(ASCII));
    }

    static boolean atomicWrite(Path dir, String name, byte[] data) {
        Path tmp = dir.resolve(name + "." + Thread.currentThread().getId() + ".tmp");
        try {
            OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            try {
                out.write(data);
            } finally {
                out.close();
            }
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the directory is gone
            }
            return false;
        }
    }

    static String json(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, e.getKey());
            sb.append(':');
            Object v = e.getValue();
            if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
                sb.append(v);
            } else if (v instanceof Double) {
                double d = (Double) v;
                sb.append(Double.isNaN(d) || Double.isInfinite(d) ? "null" : Double.toString(d));
            } else {
                string(sb, String.valueOf(v));
            }
        }
        return sb.append('}').toString();
    }

    /** A JSON string in pure ASCII: every other character escaped, so any reader decodes it. */
    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                sb.append(c);
            } else {
                String hex = Integer.toHexString(c);
                sb.append("\\u");
                for (int k = hex.length(); k < 4; k++) {
                    sb.append('0');
                }
                sb.append(hex);
            }
        }
        sb.append('"');
    }
}
