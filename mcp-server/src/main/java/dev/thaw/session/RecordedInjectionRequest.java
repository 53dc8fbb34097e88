package dev.thaw.session;

import java.util.Map;

/**
 * What is about to run inside a target, as recorded before it runs (the write-ahead record) and as
 * shown to the person asked to approve it.
 *
 * @param injectionId the injection's stable id (the handle read_output takes)
 * @param target      the process, identified beyond its pid
 * @param language    {@code python} or {@code java}
 * @param catalogId   the catalog entry's id, or null for a custom script
 * @param params      the parameters passed to the script, never null
 * @param script      the full text that will run (the catalog entry's source for catalog entries)
 * @param sha256      hex SHA-256 of the UTF-8 text of {@code script}
 * @param thread      the thread choice ({@code auto}, {@code main}, a tid), or null
 * @param mode        {@code thread} or {@code inline}, or null
 * @param timeoutS    how long the caller waits for it, or null
 * @param hypothesis  what the assistant expects to learn, or null
 */
public record RecordedInjectionRequest(String injectionId, RecordedTarget target, String language, String catalogId,
                               Map<String, Object> params, String script, String sha256, String thread, String mode,
                               Integer timeoutS, String hypothesis) {

    public RecordedInjectionRequest {
        params = params == null ? Map.of() : params;
        if (script == null) {
            throw new IllegalArgumentException("script text is required: it is what gets recorded and approved");
        }
        String actual = Sha256.hex(script);
        if (sha256 == null) {
            sha256 = actual;
        } else if (!sha256.equals(actual)) {
            throw new IllegalArgumentException("sha256 does not match the script text");
        }
    }

    /** A request whose hash is computed from the text. */
    public static RecordedInjectionRequest of(String injectionId, RecordedTarget target, String language, String catalogId,
                                      Map<String, Object> params, String script, String thread, String mode,
                                      Integer timeoutS, String hypothesis) {
        return new RecordedInjectionRequest(injectionId, target, language, catalogId, params, script, null, thread, mode,
                timeoutS, hypothesis);
    }

    public boolean isCatalogEntry() {
        return catalogId != null && !catalogId.isBlank();
    }

    /** "catalog entry py.thread_locks" or "custom script". */
    public String describe() {
        return isCatalogEntry() ? "catalog entry " + catalogId : "custom " + (language == null ? "" : language + " ") + "script";
    }
}
