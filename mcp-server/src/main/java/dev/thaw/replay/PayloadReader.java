package dev.thaw.replay;

import dev.thaw.Json;
import dev.thaw.session.Sha256;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Reads back what dev.thaw.session.Payloads wrote: inline text, base64 or JSON, or a sidecar file
 * next to the log, checked against the recorded SHA-256.
 */
public final class PayloadReader {

    private final Path dir;

    public PayloadReader(Path logFile) {
        Path parent = logFile.toAbsolutePath().getParent();
        this.dir = parent == null ? Path.of(".") : parent;
    }

    /**
     * @param data    the bytes, or null when they could not be read
     * @param problem why not, or null
     */
    public record Loaded(byte[] data, String problem) {
    }

    /** Output bytes from {@code text}, {@code base64} or {@code sidecar}. */
    public Loaded bytes(Fields payload) {
        if (payload.has("text")) {
            return new Loaded(payload.str("text").getBytes(StandardCharsets.UTF_8), null);
        }
        if (payload.has("base64")) {
            try {
                return new Loaded(Base64.getDecoder().decode(payload.str("base64")), null);
            } catch (IllegalArgumentException e) {
                return new Loaded(null, "the base64 payload is damaged");
            }
        }
        return sidecar(payload);
    }

    /** A JSON value from {@code inline} or a {@code .json} sidecar; null value with a problem when unreadable. */
    public Object json(Fields payload, String[] problem) {
        if (payload.has("inline")) {
            return payload.get("inline");
        }
        Loaded l = sidecar(payload);
        if (l.data() == null) {
            problem[0] = l.problem();
            return null;
        }
        try {
            return Json.mapper().readValue(new String(l.data(), StandardCharsets.UTF_8), Object.class);
        } catch (RuntimeException e) {
            problem[0] = "sidecar " + payload.str("sidecar") + " is not valid JSON";
            return null;
        }
    }

    private Loaded sidecar(Fields payload) {
        String name = payload.str("sidecar");
        if (name == null) {
            return new Loaded(null, "the record has no payload");
        }
        // A name from the log must not walk out of the sessions directory.
        if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            return new Loaded(null, "sidecar name '" + name + "' is not a plain file name; not read");
        }
        Path p = dir.resolve(name);
        byte[] data;
        try {
            data = Files.readAllBytes(p);
        } catch (IOException e) {
            return new Loaded(null, "sidecar file " + name + " is missing or unreadable");
        }
        String want = payload.str("sha256");
        if (want != null && !want.equals(Sha256.hex(data))) {
            return new Loaded(null, "sidecar file " + name + " does not match its recorded SHA-256 (damaged or replaced)");
        }
        return new Loaded(data, null);
    }
}
