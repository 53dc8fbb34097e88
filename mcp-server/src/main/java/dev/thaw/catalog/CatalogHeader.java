package dev.thaw.catalog;

import dev.thaw.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the metadata header of a catalog file: the first line is a comment saying
 * {@code thaw-diagnostic}, the comment lines right after it hold one JSON object, up to the line
 * {@code # }} (the closing brace right after the comment marker); comments after that are the file's own. A comment keeps the
 * file runnable as it is ({@code python3 file.py}, javac) and the JSON keeps the parameter schema exact:
 *
 * <pre>
 * # thaw-diagnostic
 * # {
 * #   "id": "py.thread_stacks", "runtime": "cpython", "title": "...", "question": "...",
 * #   "params": {"type": "object", "properties": {...}}, "mutating": false, "cost": "..."
 * # }
 * </pre>
 *
 * Java probes use {@code //} instead of {@code #}.
 */
public final class CatalogHeader {

    static final String MARKER = "thaw-diagnostic";
    private static final Pattern ID = Pattern.compile("(py|jvm)\\.[a-z][a-z0-9_]{1,60}");
    private static final double DEFAULT_TIMEOUT_S = 10;

    private CatalogHeader() {
    }

    /** The entry a file describes; {@code path} is relative to {@code thaw/catalog/}, e.g. {@code python/x.py}. */
    public static CatalogEntry parse(String path, String source) {
        String comment = path.endsWith(".py") ? "#" : path.endsWith(".java") ? "//" : null;
        if (comment == null) {
            throw new CatalogFormatException(path, "not a .py or .java file");
        }
        Map<String, Object> meta = json(path, source, comment);
        String runtime = text(path, meta, "runtime");
        String expectedDir = comment.equals("#") ? "python/" : "jvm/";
        String expectedRuntime = comment.equals("#") ? CatalogEntry.CPYTHON : CatalogEntry.HOTSPOT;
        if (!runtime.equals(expectedRuntime) || !path.startsWith(expectedDir)) {
            throw new CatalogFormatException(path, "runtime \"" + runtime + "\" does not fit the file (expected "
                    + expectedRuntime + " under " + expectedDir + ")");
        }
        String id = text(path, meta, "id");
        String stem = path.substring(expectedDir.length(), path.lastIndexOf('.'));
        String expectedId = (comment.equals("#") ? "py." : "jvm.") + stem.toLowerCase(java.util.Locale.ROOT);
        if (!ID.matcher(id).matches() || !id.equals(expectedId)) {
            throw new CatalogFormatException(path, "id \"" + id + "\" must be \"" + expectedId + "\" (the file's name)");
        }
        Object params = meta.get("params");
        if (!(params instanceof Map<?, ?> schema) || !"object".equals(schema.get("type"))) {
            throw new CatalogFormatException(path, "\"params\" must be a JSON schema of type object");
        }
        if (!(meta.get("mutating") instanceof Boolean mutating)) {
            throw new CatalogFormatException(path, "\"mutating\" must be true or false");
        }
        double timeout = DEFAULT_TIMEOUT_S;
        if (meta.get("timeout_s") instanceof Number n) {
            timeout = n.doubleValue();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> paramSchema = (Map<String, Object>) params;
        return new CatalogEntry(id, runtime, text(path, meta, "title"), text(path, meta, "question"), paramSchema,
                mutating, text(path, meta, "cost"), meta.get("requires") instanceof String r ? r : null, timeout, path,
                source);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String path, String source, String comment) {
        String[] lines = source.split("\n", -1);
        int i = 0;
        while (i < lines.length && lines[i].isBlank()) {
            i++;
        }
        if (i >= lines.length || !lines[i].strip().equals(comment + " " + MARKER)) {
            throw new CatalogFormatException(path, "the first line must be \"" + comment + " " + MARKER + "\"");
        }
        List<String> body = new ArrayList<>();
        boolean closed = false;
        for (i++; i < lines.length && !closed && lines[i].stripLeading().startsWith(comment); i++) {
            String line = lines[i].stripLeading().substring(comment.length());
            body.add(line);
            closed = line.strip().equals("}") && !line.startsWith("  ");
        }
        if (!closed) {
            throw new CatalogFormatException(path, "the header's JSON object must end with a line \"" + comment + " }\"");
        }
        try {
            return Json.mapper().readValue(String.join("\n", body), Map.class);
        } catch (RuntimeException e) {
            throw new CatalogFormatException(path, "the header is not one JSON object: " + e.getMessage());
        }
    }

    private static String text(String path, Map<String, Object> meta, String key) {
        if (meta.get(key) instanceof String s && !s.isBlank()) {
            return s;
        }
        throw new CatalogFormatException(path, "\"" + key + "\" is missing or not a string");
    }
}
