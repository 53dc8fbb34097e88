package dev.thaw.testing;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The answer keys of sample-deadlock-app's scenarios ({@code scenarios/NAME.answer.json}): what a
 * correct diagnosis of each hang must name, and where it shows ({@code visible_in}).
 *
 * <p>The list of keys and scripts comes from the module's sources (a resource directory cannot be
 * listed inside a jar); their text is read from the class path, as {@link dev.thaw.demo.Scenario}
 * reads it, so a stale installed sample-deadlock-app jar is caught by comparing the two.
 */
public final class AnswerKeys {

    public static final String RESOURCE_DIR = "/scenarios/";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AnswerKeys() {
    }

    /**
     * One answer key.
     *
     * @param scenario   the scenario's name, as printed in its {@code scenario=} line
     * @param script     for Python scenarios, the script under {@code scenarios/python/}; else null
     * @param runtime    {@code cpython} or {@code hotspot}
     * @param kind       deadlock, starvation, lost-wakeup, self-deadlock, ...
     * @param threads    OS thread names in the root cause
     * @param frames     function names (as a snapshot prints them: qualified) in the root-cause stacks
     * @param locks      the locks involved (may be empty)
     * @param greenlets  gevent greenlet names in the root cause (may be empty)
     * @param tasks      asyncio task names in the root cause (may be empty)
     * @param workItems  functions of executor work items that are queued and never run (may be empty)
     * @param injectable whether an injected script can run in the hung process (some thread reaches safe points)
     * @param visibleIn  where each field shows: {@code snapshot}, {@code diagnostics}, {@code source} to field names
     * @param postmortem the root cause in words
     * @param json       the whole key
     */
    public record AnswerKey(String scenario, String script, String runtime, String kind, List<String> threads,
                            List<String> frames, List<String> locks, List<String> greenlets, List<String> tasks,
                            List<String> workItems, Boolean injectable, Map<String, List<String>> visibleIn,
                            String postmortem, JsonNode json) {

        /** Whether {@code field} (threads, frames, ...) is visible in {@code where} (snapshot, diagnostics, source). */
        public boolean visible(String field, String where) {
            return visibleIn.getOrDefault(where, List.of()).contains(field);
        }

        @Override
        public String toString() {
            return scenario;
        }
    }

    /** sample-deadlock-app's {@code src/main/resources/scenarios}, found from the module's working directory. */
    public static Path sourceDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("sample-deadlock-app/src/main/resources/scenarios");
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("sample-deadlock-app/src/main/resources/scenarios not found above "
                + Path.of("").toAbsolutePath());
    }

    /** File names of the answer keys in the sources, sorted. */
    public static List<String> keyFiles() {
        return list(sourceDir(), ".answer.json");
    }

    /** File names of the Python scenario scripts in the sources, sorted. */
    public static List<String> pythonScripts() {
        return list(sourceDir().resolve("python"), ".py");
    }

    private static List<String> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every key, by scenario name, read from the class path. */
    public static Map<String, AnswerKey> all() {
        Map<String, AnswerKey> keys = new TreeMap<>();
        for (String file : keyFiles()) {
            AnswerKey k = parse(resource(RESOURCE_DIR + file).orElseThrow(() -> new AssertionError(
                    RESOURCE_DIR + file + " is in the sources but not on the class path: reinstall sample-deadlock-app "
                            + "(./mvnw -o -q install -pl sample-deadlock-app)")));
            keys.put(k.scenario(), k);
        }
        return keys;
    }

    /** The keys of the Python scenarios, by scenario name. */
    public static Map<String, AnswerKey> python() {
        Map<String, AnswerKey> keys = new TreeMap<>(all());
        keys.values().removeIf(k -> !"cpython".equals(k.runtime()));
        return keys;
    }

    public static AnswerKey parse(String text) {
        JsonNode n = JSON.readTree(text);
        Map<String, List<String>> visible = new TreeMap<>();
        JsonNode v = n.path("visible_in");
        for (String where : v.propertyNames()) {
            visible.put(where, strings(v.get(where)));
        }
        return new AnswerKey(text(n, "scenario"), text(n, "script"), text(n, "runtime"), text(n, "kind"),
                strings(n.get("threads")), strings(n.get("frames")), strings(n.get("locks")),
                strings(n.get("greenlets")), strings(n.get("tasks")), strings(n.get("work_items")),
                n.has("injectable") ? n.get("injectable").asBoolean() : null, visible, text(n, "postmortem"), n);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(e -> out.add(e.asString()));
        }
        return List.copyOf(out);
    }

    /** A resource's text, if it is on the class path. */
    public static Optional<String> resource(String path) {
        try (InputStream in = AnswerKeys.class.getResourceAsStream(path)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
