package dev.thaw.scenarios;

import dev.thaw.demo.AnswerKey;
import dev.thaw.demo.Diagnosis;
import dev.thaw.demo.Evidence;
import dev.thaw.demo.Playbook;
import dev.thaw.demo.Scenario;
import dev.thaw.testing.JavaScenarioProcess;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For every hang scenario: the SDK's stdio client drives the real jar through the assistant's loop
 * ({@link Diagnosis}: list_processes, snapshot, list_diagnostics, the play's catalog diagnostics), and
 * the outputs must NAME the answer key's root cause — every thread, frame, lock, greenlet, task and
 * queued work item the key says a snapshot or a diagnostic shows — not merely succeed. Java scenarios
 * run on every configured JDK that can run them.
 */
class ScenarioDiagnosisIT {

    private static ThawServerProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        // The default policy (custom): catalog diagnostics run without asking, as for a real user.
        server = ThawServerProcess.builder().requestTimeout(Duration.ofSeconds(120)).start();
        server.client().initialize();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    static Stream<Arguments> plays() {
        List<Arguments> out = new ArrayList<>();
        for (Playbook p : Playbook.ALL) {
            if (p.runtime().equals("cpython")) {
                out.add(Arguments.of(p, null));
            } else {
                // sample-deadlock-app is compiled at --release 17: its scenarios start on 17+ only.
                // The virtual-thread playbook's root cause includes the lock classes the handlers park
                // on; JDK 21's virtual-thread dump does not name them, and the catalog's
                // jvm.virtual_threads reads that dump, so its diagnosis is only complete from JDK 25 on
                // (JDK 21 itself is covered by JvmSnapshotterTest and JavaScenariosIT).
                int min = "jdk21".equals(p.needs()) ? 25 : 17;
                TestJdks.configured().stream().filter(j -> j.feature() >= min).forEach(j -> out.add(Arguments.of(p, j)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("plays")
    void theDiagnosisNamesTheRootCause(Playbook play, TestJdks.Jdk jdk) throws Exception {
        try (Target target = start(play, jdk)) {
            Diagnosis.Outcome outcome = Diagnosis.run(server.client(), play, target.pid(), new Diagnosis.Listener() {
                @Override
                public void calling(int step, String title, String tool, Map<String, Object> args) {
                }

                @Override
                public void answered(String label, McpSchema.CallToolResult result) {
                }
            });
            Map<String, McpSchema.CallToolResult> r = outcome.results();
            assertThat(ToolResults.text(r.get("list_processes"))).contains(Integer.toString(target.pid()));
            assertThat(r.get("snapshot").isError()).as(ToolResults.text(r.get("snapshot"))).isFalse();
            for (Playbook.Step step : play.diagnostics()) {
                McpSchema.CallToolResult d = r.get(step.diagnostic());
                assertThat(d.isError()).as(step.diagnostic() + ": " + ToolResults.text(d)).isFalse();
                Map<String, Object> s = ToolResults.structured(d);
                if (step.undelivered()) {
                    // Nothing in the process can run Python: thaw must say so and why, not hang.
                    assertThat(s).as(ToolResults.text(d)).containsEntry("state", "undeliverable").containsEntry("delivered", false);
                    assertThat(ToolResults.text(d)).contains("Undeliverable", "waits until another thread or process acts");
                } else {
                    assertThat(s).as(ToolResults.text(d)).containsEntry("state", "completed");
                }
            }
            AnswerKey key = play.answerKey();
            List<Evidence.Found> found = Evidence.check(key, outcome.evidence());
            assertThat(Evidence.missing(found))
                    .as("root-cause facts of %s no output names; outputs:%n%s", play.scenario(),
                            outcome.evidence().entrySet().stream().map(e -> "--- " + e.getKey() + "\n" + e.getValue())
                                    .collect(Collectors.joining("\n")))
                    .isEmpty();
            assertThat(found).as("the key names facts to find").isNotEmpty();
            // Suspicious first: the snapshot's first group is part of the root cause.
            List<String> parts = new ArrayList<>(key.facts().getOrDefault("threads", List.of()));
            if (!parts.isEmpty()) {
                parts.addAll(key.facts().getOrDefault("frames", List.of()));
                String snapshot = outcome.evidence().get("snapshot");
                int first = snapshot.indexOf("\n[1] ");
                int second = snapshot.indexOf("\n[2] ");
                String top = first < 0 ? "" : snapshot.substring(first, second < 0 ? snapshot.length() : second);
                assertThat(parts).as("the first group of the snapshot names a root-cause thread or frame:%n%s", snapshot)
                        .anySatisfy(part -> assertThat(Evidence.names(top, part)).isTrue());
            }
        }
    }

    /** A started scenario of either runtime. */
    private interface Target extends AutoCloseable {
        int pid();

        @Override
        void close();
    }

    private static Target start(Playbook play, TestJdks.Jdk jdk) {
        if (jdk == null) {
            Scenario s = Scenario.startPython(TestPythons.require("3.14"), play.scenario(), play.script());
            return new Target() {
                public int pid() {
                    return s.pid();
                }

                public void close() {
                    s.close();
                }
            };
        }
        JavaScenarioProcess p = JavaScenarioProcess.start(jdk, play.scenario(), Duration.ofSeconds(20));
        return new Target() {
            public int pid() {
                return p.pid();
            }

            public void close() {
                p.close();
            }
        };
    }
}
