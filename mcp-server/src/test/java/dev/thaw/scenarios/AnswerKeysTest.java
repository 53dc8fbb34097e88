package dev.thaw.scenarios;

import dev.thaw.testing.AnswerKeys;
import dev.thaw.demo.AnswerKey;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer key of sample-deadlock-app parses and has the required fields; every Python scenario
 * script has exactly one key and every Python key a script; the class path holds the same text as
 * the sources (the scenarios run from the class path).
 */
class AnswerKeysTest {

    static final Set<String> KINDS = Set.of("deadlock", "starvation", "lost-wakeup", "self-deadlock", "livelock",
            "leak", "blocked");
    static final Set<String> WHERE = Set.of("snapshot", "diagnostics", "source");
    static final Set<String> VISIBLE_FIELDS = Set.of("threads", "frames", "locks", "greenlets", "tasks", "work_items");

    @Test
    void everyKeyParsesAndHasTheRequiredFields() throws IOException {
        List<String> files = AnswerKeys.keyFiles();
        assertThat(files).isNotEmpty();
        for (String file : files) {
            String source = Files.readString(AnswerKeys.sourceDir().resolve(file));
            AnswerKey k = AnswerKey.parse(source);
            JsonNode n = k.json();
            for (String field : List.of("scenario", "runtime", "kind", "postmortem")) {
                assertThat(n.path(field).isString()).as(file + ": string field " + field).isTrue();
                assertThat(n.get(field).asString()).as(file + ": " + field).isNotBlank();
            }
            for (String field : List.of("threads", "frames", "locks")) {
                assertThat(n.path(field).isArray()).as(file + ": array field " + field).isTrue();
                n.get(field).forEach(e -> assertThat(e.isString() && !e.asString().isBlank())
                        .as(file + ": " + field + " holds non-empty strings").isTrue());
            }
            assertThat(file).as("file named after its scenario").isEqualTo(k.scenario() + ".answer.json");
            assertThat(k.runtime()).as(file).isIn("cpython", "hotspot");
            assertThat(k.kind()).as(file).isIn(KINDS);
            assertThat(k.postmortem().length()).as(file + ": a postmortem in words").isGreaterThan(80);
            assertThat(AnswerKeys.resource(AnswerKeys.RESOURCE_DIR + file)).as(file
                    + " on the class path differs from the sources: reinstall sample-deadlock-app").contains(source);
        }
    }

    @Test
    void pythonKeysSayWhereEachFactShowsAndWhetherInjectionWorks() {
        Map<String, AnswerKey> keys = AnswerKeys.python();
        assertThat(keys).isNotEmpty();
        for (AnswerKey k : keys.values()) {
            String at = k.scenario() + ": ";
            assertThat(k.scenario()).as(at + "python scenarios are named py-*").startsWith("py-");
            assertThat(k.injectable()).as(at + "injectable (boolean) is required").isNotNull();
            assertThat(k.json().path("visible_in").isObject()).as(at + "visible_in").isTrue();
            assertThat(k.visibleIn().keySet()).as(at + "visible_in places").isSubsetOf(WHERE).isNotEmpty();
            List<String> mapped = new ArrayList<>();
            k.visibleIn().values().forEach(mapped::addAll);
            assertThat(mapped).as(at + "visible_in fields").isSubsetOf(VISIBLE_FIELDS);
            // every non-empty fact says where it shows, and nothing claims to show that the key does not name
            for (String field : VISIBLE_FIELDS) {
                boolean named = k.json().path(field).isArray() && !k.json().get(field).isEmpty();
                assertThat(mapped.contains(field)).as(at + field + " is named iff visible_in places it").isEqualTo(named);
            }
            assertThat(k.threads().isEmpty() || k.visible("threads", "snapshot"))
                    .as(at + "OS threads show in a snapshot").isTrue();
            // facts only a diagnostic can see need a process that can run one
            if (!k.visibleIn().getOrDefault("diagnostics", List.of()).isEmpty()) {
                assertThat(k.injectable()).as(at + "diagnostics-only facts need an injectable process").isTrue();
            }
            for (String field : List.of("greenlets", "tasks", "work_items")) {
                if (k.json().has(field)) {
                    assertThat(k.json().get(field).isArray()).as(at + field).isTrue();
                }
            }
        }
    }

    @Test
    void everyPythonScriptHasOneKeyAndEveryKeyAScript() throws IOException {
        List<String> scripts = AnswerKeys.pythonScripts();
        List<String> keyed = AnswerKeys.python().values().stream().map(AnswerKey::script).sorted().toList();
        assertThat(keyed).as("scripts named by the keys").doesNotContainNull().doesNotHaveDuplicates();
        assertThat(keyed).as("keys' scripts vs scenarios/python/*.py").containsExactlyElementsOf(scripts);
        Pattern header = Pattern.compile("\\A# thaw scenario (\\S+) \\(sample-deadlock-app\\)\n");
        for (AnswerKey k : AnswerKeys.python().values()) {
            String source = Files.readString(AnswerKeys.sourceDir().resolve("python").resolve(k.script()));
            Matcher m = header.matcher(source);
            assertThat(m.find()).as(k.script() + " starts with its header comment").isTrue();
            assertThat(m.group(1)).as(k.script() + " header names its scenario").isEqualTo(k.scenario());
            // the hung process's pid: its own, or (py-fork-inherited-lock) the forked child's it names
            assertThat(source).as(k.script() + " prints its pid line").containsAnyOf(
                    "print(f\"pid={os.getpid()} scenario=" + k.scenario() + "\", flush=True)",
                    "print(f\"pid={pid} scenario=" + k.scenario() + "\", flush=True)");
            assertThat(source).as(k.script() + " runs with -c: no __file__ of its own")
                    .doesNotContainPattern("(?<![.\\w])__file__");
            assertThat(AnswerKeys.resource(AnswerKeys.RESOURCE_DIR + "python/" + k.script()))
                    .as(k.script() + " on the class path differs from the sources: reinstall sample-deadlock-app")
                    .contains(source);
        }
    }
}
