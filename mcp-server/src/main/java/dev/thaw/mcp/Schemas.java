package dev.thaw.mcp;

import dev.thaw.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Loads the JSON schemas of the tools from {@code /mcp/*.json} on the class path. */
public final class Schemas {

    private Schemas() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> load(String name) {
        // A bare name is a tool schema under /mcp; a resource path (shared schemas) is used as is.
        String path = name.startsWith("/") ? name : "/mcp/" + name + ".json";
        try (InputStream in = Schemas.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + path);
            }
            return Json.mapper().readValue(in, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
