package dev.thaw.catalog;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.inject.InjectionRequest;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What an injection runs: custom code, or a catalog diagnostic with its checked parameters. The MCP
 * tool and the CLI both resolve their arguments through here, so they refuse the same things the same way.
 *
 * @param code           the exact text that will run: a Python script that names {@code thaw_kit} with the
 *                       kit's line in front ({@link PythonKit})
 * @param params         the parameters (a catalog entry's defaults filled in)
 * @param catalogId      the diagnostic's id, or null for custom code
 * @param runtime        {@code cpython} / {@code hotspot} when the code is written for one, else null
 * @param defaultTimeout the wait to use when the caller gives none
 */
public record ScriptSource(String code, Map<String, Object> params, String catalogId, String runtime,
                           Duration defaultTimeout) {

    /** Custom code; {@code language} ({@code python}, {@code java} or null) pins the runtime it may run in. */
    public static ScriptSource custom(String code, Map<String, Object> params, String language) {
        String runtime = runtimeOf(language);
        String runs = CatalogEntry.HOTSPOT.equals(runtime) || code == null ? code : PythonKit.system().assemble(code);
        return new ScriptSource(runs, params == null ? Map.of() : params, null, runtime,
                InjectionRequest.DEFAULT_TIMEOUT);
    }

    /** A catalog diagnostic: its source, and the params checked against its schema. */
    public static ScriptSource diagnostic(Catalog catalog, String id, Map<String, Object> params, String language) {
        CatalogEntry entry = catalog.require(id);
        String pinned = runtimeOf(language);
        if (pinned != null && !pinned.equals(entry.runtime())) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "Diagnostic " + entry.id() + " is " + entry.language()
                    + ", not " + language + ".", "Leave out language when you name a diagnostic.");
        }
        String runs = CatalogEntry.CPYTHON.equals(entry.runtime()) ? PythonKit.system().assemble(entry.source())
                : entry.source();
        return new ScriptSource(runs, CatalogParams.resolve(entry, params), entry.id(), entry.runtime(),
                Duration.ofMillis(Math.round(entry.timeoutS() * 1000)));
    }

    /** The injection request; {@code timeout} null means the source's default. */
    public InjectionRequest request(int pid, dev.thaw.inject.ThreadChoice thread, dev.thaw.inject.InjectionMode mode,
                                    Duration timeout, String hypothesis, long outputCap) {
        return new InjectionRequest(pid, code, params, thread, mode, timeout == null ? defaultTimeout : timeout,
                hypothesis, outputCap, catalogId, runtime);
    }

    private static String runtimeOf(String language) {
        if (language == null || language.isBlank()) {
            return null;
        }
        return switch (language.trim().toLowerCase(Locale.ROOT)) {
            case "python" -> CatalogEntry.CPYTHON;
            case "java" -> CatalogEntry.HOTSPOT;
            default -> throw new ThawException(ErrorCode.INVALID_ARGUMENT, "Argument 'language' must be \"python\" or \"java\".",
                    "Call again with language \"python\" (CPython targets) or \"java\" (JVM targets), or leave it out.");
        };
    }
}
