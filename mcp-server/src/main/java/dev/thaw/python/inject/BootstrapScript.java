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
 * settings filled in: the directory, the mode, the output cap, the id, the params and the script,
 * the library file and its loader line, and the code that reports a library that does not load
 * ({@code fail.py}: a string in the settings, compiled by the target only when that happens).
 */
final class BootstrapScript {

    private static final String PLACEHOLDER = "__THAW_CONFIG__";
    private static final String LOAD = "__THAW_LOAD__";
    private static final String TEMPLATE = load("bootstrap.py", PLACEHOLDER);
    private static final String FAIL = load("fail.py", "status.json");
    /** lib.marshal: the target's own compiled library (thaw checked it holds a code object). */
    private static final String LOAD_MARSHAL = "__import__('marshal').loads(b)";
    private static final String LOAD_SOURCE = "compile(b, '<thaw-lib>', 'exec', dont_inherit=True)";

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
        // The script travels inside the bootstrap: a string literal costs the target nothing to compile.
        cfg.put("script", request.code());
        cfg.put("cache", cache);
        cfg.put("lib", cached ? PythonInjector.LIB_MARSHAL : PythonInjector.LIB);
        cfg.put("fail", FAIL);
        return TEMPLATE.replace(LOAD, cached ? LOAD_MARSHAL : LOAD_SOURCE).replace(PLACEHOLDER, PythonLiteral.of(cfg));
    }

    private static String load(String name, String mustHave) {
        try (InputStream in = BootstrapScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the class path");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!text.contains(mustHave)) {
                throw new IllegalStateException(name + " has no " + mustHave);
            }
            // Comment lines are for people reading the resource; the target need not tokenize them.
            return text.lines().filter(l -> !l.strip().startsWith("#")).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
