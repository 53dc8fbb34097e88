package dev.thaw.session;

import dev.thaw.Json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How large values enter the log: up to {@link #INLINE_MAX} bytes inline, larger ones in a sidecar
 * file named by their hash. Every payload carries its size and SHA-256, so the reader can tell a
 * missing or damaged sidecar from a good one.
 */
public final class Payloads {

    /** Inline limit: keeps each log line small enough to read and to tear rarely. */
    public static final int INLINE_MAX = 64 * 1024;

    private Payloads() {
    }

    /**
     * Raw bytes (an injection's output). Inline as {@code text} when valid UTF-8, else as
     * {@code base64}; above the limit as {@code sidecar}.
     */
    public static Map<String, Object> bytes(byte[] data, SessionLog log, String extension) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bytes", data.length);
        p.put("sha256", Sha256.hex(data));
        if (data.length > INLINE_MAX) {
            p.put("sidecar", log.writeSidecar(data, extension));
            return p;
        }
        String text = utf8(data);
        if (text != null) {
            p.put("text", text);
        } else {
            p.put("base64", Base64.getEncoder().encodeToString(data));
        }
        return p;
    }

    /** A JSON value (a tool's structured result): {@code inline}, or a {@code .json} sidecar. */
    public static Map<String, Object> json(Object value, SessionLog log) {
        byte[] data = Json.write(value).getBytes(StandardCharsets.UTF_8);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bytes", data.length);
        p.put("sha256", Sha256.hex(data));
        if (data.length > INLINE_MAX) {
            p.put("sidecar", log.writeSidecar(data, "json"));
        } else {
            p.put("inline", value);
        }
        return p;
    }

    private static String utf8(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
