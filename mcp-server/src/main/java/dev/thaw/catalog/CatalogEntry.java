package dev.thaw.catalog;

import java.util.Map;

/**
 * One vetted diagnostic: a Python script or a Java probe shipped under {@code thaw/catalog/}, with the
 * metadata of its header. The source is exactly what runs in the target (header included: it is a
 * comment), so what a person reads before approving is what executes.
 *
 * @param id        stable name, {@code py.<file stem>} or {@code jvm.<file stem>}
 * @param runtime   {@code cpython} or {@code hotspot}, the vocabulary of list_processes
 * @param title     a few words
 * @param question  the question the entry answers, as an investigator would ask it
 * @param params    JSON schema of the parameters (type object); defaults are applied before running
 * @param mutating  true when it changes the target's state (e.g. starts tracing); false when it only reads
 * @param cost      expected cost in the target, in words (time, memory, pauses)
 * @param requires  what the target must have for the entry to say something (e.g. "gevent"), or null
 * @param timeoutS  the timeout to use when the caller gives none
 * @param path      the file, relative to {@code thaw/catalog/}
 * @param source    the full text
 */
public record CatalogEntry(String id, String runtime, String title, String question, Map<String, Object> params,
                           boolean mutating, String cost, String requires, double timeoutS, String path,
                           String source) {

    public static final String CPYTHON = "cpython";
    public static final String HOTSPOT = "hotspot";

    /** The MCP resource that serves this entry's source. */
    public String resourceUri() {
        return "thaw://catalog/" + path;
    }

    /** {@code python} or {@code java}: the language inject_script runs it as. */
    public String language() {
        return HOTSPOT.equals(runtime) ? "java" : "python";
    }
}
