package dev.thaw.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thaw.demo.AnswerKey;
import dev.thaw.samples.Scenarios;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every Java scenario registered in {@link Scenarios} has a well-formed answer key. */
class JavaAnswerKeysTest {

    static final Set<String> KINDS = Set.of("deadlock", "starvation", "lost-wakeup");
    /** What a Java key may list under visible_in.snapshot: parts, and the snapshot's deadlock cycle. */
    static final List<String> SNAPSHOT_ITEMS = List.of("threads", "frames", "locks", "deadlock");
    static final Set<String> FIELDS = Set.of("scenario", "runtime", "kind", "threads", "frames", "locks", "visible_in", "findings",
            "postmortem", "requires_java");

    static Set<String> scenarios() {
        return Scenarios.javaScenarios();
    }

    @Test
    void theFiveJavaScenariosOfIssue6AreRegistered() {
        assertThat(Scenarios.javaScenarios()).contains("java-monitor-lock-ordering",
                "java-reentrantlock-ordering", "java-pool-starvation", "java-completablefuture-commonpool",
                "java-virtual-threads");
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void hasAnAnswerKeyWithTheRequiredFields(String scenario) {
        AnswerKey key = AnswerKey.load(scenario);
        List<String> fields = List.copyOf(key.json().propertyNames());
        assertThat(fields).as(scenario + " fields").containsAll(List.of("scenario", "runtime", "kind", "threads", "frames",
                "locks", "visible_in", "postmortem"));
        assertThat(FIELDS).as(scenario + ": unknown fields").containsAll(fields);
        assertThat(key.scenario()).isEqualTo(scenario);
        assertThat(key.runtime()).isEqualTo("hotspot");
        assertThat(key.kind()).isIn(KINDS);
        assertThat(key.threads()).as(scenario + " threads").isNotEmpty().allMatch(t -> !t.isBlank() && !t.startsWith("<"));
        assertThat(key.frames()).as(scenario + " frames").isNotEmpty()
                .allMatch(f -> f.matches("[A-Z][A-Za-z0-9_$]*\\.[a-z][A-Za-z0-9_]*"));
        assertThat(key.locks()).as(scenario + " locks").isNotEmpty()
                .allMatch(l -> AnswerKey.core(l).matches("([a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*"));
        assertThat(key.visibleIn().getOrDefault("snapshot", List.of())).as(scenario + " visible_in.snapshot").isNotEmpty()
                .isSubsetOf(SNAPSHOT_ITEMS).doesNotHaveDuplicates();
        assertThat(key.json().path("visible_in").path("diagnostics").isArray()).as(scenario + " visible_in.diagnostics")
                .isTrue();
        // The catalog diagnostics that expose the cause: real entry ids.
        assertThat(key.visibleIn().getOrDefault("diagnostics", List.of())).allSatisfy(d -> assertThat(dev.thaw.catalog.Catalog.system().find(d))
                .as(scenario + " visible_in.diagnostics " + d).isPresent());
        assertThat(key.postmortem()).as(scenario + " postmortem").contains("Fix:");
        if (key.visible("deadlock", "snapshot")) {
            assertThat(key.kind()).isEqualTo("deadlock");
            assertThat(key.exactThreads()).as("a visible cycle names its threads exactly").isEqualTo(key.threads());
        }
        if (key.requiresJava() != null) {
            assertThat(key.requiresJava()).isGreaterThan(17);
        }
    }

    /** Frames of the scenarios' own classes name methods that exist: keys do not rot when code is renamed. */
    @ParameterizedTest
    @MethodSource("scenarios")
    void framesOfScenarioClassesExist(String scenario) throws Exception {
        for (String frame : AnswerKey.load(scenario).frames()) {
            int dot = frame.lastIndexOf('.');
            String cls = frame.substring(0, dot);
            String method = frame.substring(dot + 1);
            Class<?> c = load("dev.thaw.samples.java." + cls, "java.util.concurrent." + cls,
                    "java.util.concurrent.locks." + cls);
            assertThat(c).as(scenario + ": class of frame " + frame).isNotNull();
            assertThat(Arrays.stream(c.getDeclaredMethods()).map(Method::getName)).as(scenario + ": " + frame)
                    .contains(method);
        }
    }

    /** Each key's postmortem names its threads (or pool) and the fix, in words. */
    @ParameterizedTest
    @MethodSource("scenarios")
    void postmortemNamesTheThreadsAndMethods(String scenario) {
        AnswerKey key = AnswerKey.load(scenario);
        for (String t : key.exactThreads()) {
            assertThat(key.postmortem()).as(scenario).contains(t);
        }
        for (String f : key.frames()) {
            String method = f.substring(f.lastIndexOf('.') + 1);
            assertThat(key.postmortem()).as(scenario + " mentions " + method).contains(method);
        }
    }

    private static Class<?> load(String... names) {
        for (String n : names) {
            try {
                return Class.forName(n, false, JavaAnswerKeysTest.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                // next
            }
        }
        return null;
    }
}
