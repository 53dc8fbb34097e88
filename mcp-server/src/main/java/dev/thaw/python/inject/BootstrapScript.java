package dev.thaw.python.inject;

import dev.thaw.inject.InjectionRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Python bootstrap ({@code bootstrap.py} in this package's resources) with one injection's
 * settings filled in: the directory, the mode, the output cap, the id and the params.
 */
final class BootstrapScript {

    private static final String PLACEHOLDER = "__THAW_CONFIG__";
    private static final String TEMPLATE = load();

    private BootstrapScript() {
    }

    /**
     * @param cache  ask the target to write the compiled library back ({@code lib.marshal.new})
     * @param cached a precompiled library ({@code lib.marshal}) is in the directory
     */
    static String render(String dirInRoot, String injectionId, InjectionRequest request, boolean cache,
                         boolean cached) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("dir", dirInRoot);
        cfg.put("mode", request.mode().wire());
        cfg.put("cap", request.outputCap());
        cfg.put("id", injectionId);
        cfg.put("params", request.params());
        cfg.put("cache", cache);
        cfg.put("cached", cached);
        return TEMPLATE.replace(PLACEHOLDER, PythonLiteral.of(cfg));
    }

    private static String load() {
        try (InputStream in = BootstrapScript.class.getResourceAsStream("bootstrap.py")) {
            if (in == null) {
                throw new IllegalStateException("bootstrap.py missing from the class path");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!text.contains(PLACEHOLDER)) {
                throw new IllegalStateException("bootstrap.py has no " + PLACEHOLDER);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
