package dev.thaw.python.inject;

import dev.thaw.inject.InjectionRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Python bootstrap ({@code bootstrap.py} in this package's resources) with one injection's
 * settings filled in: the directory, the mode, the output cap, the id, the params and the script,
 * the library file and its loader line, and the code that reports a library that does not load
 * ({@code fail.py}: a string in the settings, compiled by the target only when that happens), and
 * the code that removes the directory when the server that armed it is gone ({@code gone.py}, the
 * same way).
 */
final class BootstrapScript {

    private static final String PLACEHOLDER = "__THAW_CONFIG__";
    private static final String LOAD = "__THAW_LOAD__";
    private static final String TEMPLATE = load("bootstrap.py", PLACEHOLDER);
    private static final String FAIL = load("fail.py", "status.json");
    private static final String GONE = load("gone.py", "rmdir");
    /** lib.marshal: the target's own compiled library (thaw checked it holds a code object). */
    private static final String LOAD_MARSHAL = "__import__('marshal').loads(b)";
    private static final String LOAD_SOURCE = "compile(b, '<thaw-lib>', 'exec', dont_inherit=True)";

    /** The template before the settings, and after them with each loader line in place. */
    private static final String HEAD = TEMPLATE.substring(0, TEMPLATE.indexOf(PLACEHOLDER));
    private static final String TAIL_MARSHAL = tail(LOAD_MARSHAL);
    private static final String TAIL_SOURCE = tail(LOAD_SOURCE);
    /** The settings that are the same for every injection, as Python source (escaped once). */
    private static final String FIXED_MARSHAL = fixed(PythonInjector.LIB_MARSHAL);
    private static final String FIXED_SOURCE = fixed(PythonInjector.LIB);

    private BootstrapScript() {
    }

    /**
     * @param cache  ask the target to write the compiled library back ({@code lib.marshal.new})
     * @param cached a precompiled library ({@code lib.marshal}) is in the directory
     */
    static String render(String dirInRoot, String injectionId, InjectionRequest request, boolean cache,
                         boolean cached) {
        // Built by hand, not from a map: this is on every injection's way to the target.
        String code = request.code();
        StringBuilder sb = new StringBuilder(HEAD.length() + TAIL_SOURCE.length() + FIXED_SOURCE.length()
                + code.length() + 256);
        sb.append(HEAD).append("{'dir': ");
        PythonLiteral.string(sb, dirInRoot);
        sb.append(", 'mode': ");
        PythonLiteral.string(sb, request.mode().wire());
        sb.append(", 'cap': ").append(request.outputCap()).append(", 'id': ");
        PythonLiteral.string(sb, injectionId);
        sb.append(", 'params': ").append(PythonLiteral.of(request.params()));
        // The script travels inside the bootstrap: a string literal costs the target nothing to compile.
        sb.append(", 'script': ");
        PythonLiteral.string(sb, code);
        sb.append(", 'cache': ").append(cache ? "True" : "False");
        sb.append(cached ? FIXED_MARSHAL : FIXED_SOURCE).append('}');
        return sb.append(cached ? TAIL_MARSHAL : TAIL_SOURCE).toString();
    }

    private static String tail(String loader) {
        return TEMPLATE.substring(TEMPLATE.indexOf(PLACEHOLDER) + PLACEHOLDER.length()).replace(LOAD, loader);
    }

    private static String fixed(String lib) {
        StringBuilder sb = new StringBuilder(", 'lib': ");
        PythonLiteral.string(sb, lib);
        sb.append(", 'fail': ");
        PythonLiteral.string(sb, FAIL);
        sb.append(", 'gone': ");
        PythonLiteral.string(sb, GONE);
        return sb.toString();
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
