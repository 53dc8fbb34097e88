package dev.thaw.testing;

import dev.thaw.demo.AnswerKey;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where the answer keys of sample-deadlock-app's scenarios ({@code scenarios/NAME.answer.json}) are,
 * for tests that go through all of them; each is read by {@link AnswerKey}.
 *
 * <p>The list of keys and scripts comes from the module's sources (a resource directory cannot be
 * listed inside a jar); their text is read from the class path, as {@link dev.thaw.demo.Scenario}
 * reads it, so a stale installed sample-deadlock-app jar is caught by comparing the two.
 */
public final class AnswerKeys {

    public static final String RESOURCE_DIR = "/scenarios/";

    private AnswerKeys() {
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
            AnswerKey k = AnswerKey.parse(resource(RESOURCE_DIR + file).orElseThrow(() -> new AssertionError(
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

    /** A resource's text, if it is on the class path. */
    public static Optional<String> resource(String path) {
        try (InputStream in = AnswerKeys.class.getResourceAsStream(path)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
