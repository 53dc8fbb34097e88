package dev.thaw.findings;

import dev.thaw.demo.AnswerKey;
import dev.thaw.demo.FindingsCheck;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every scenario whose answer key names findings, through the real server over stdio: the snapshot's
 * findings must be of the key's kinds and name the key's threads, functions and objects, each with a
 * fix; and every {@code next} call a finding proposes, issued verbatim, must succeed (a catalog
 * diagnostic completes, a snapshot of a related process is answered). Python on 3.14 (gevent is built
 * for it), Java scenarios on JDK 17 and 25.
 */
class FindingsScenariosIT {

    private static ThawServerProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        server = ThawServerProcess.builder().requestTimeout(Duration.ofSeconds(120)).start();
        server.client().initialize();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    static List<Arguments> plays() {
        List<Arguments> out = new ArrayList<>();
        // -Dfindings.scenarios=a,b narrows the run to those scenarios (the whole set takes minutes)
        String only = System.getProperty("findings.scenarios", "");
        for (Playbook p : Playbook.ALL) {
            if (p.answerKey().findingKinds().isEmpty()
                    || (!only.isBlank() && !List.of(only.split(",")).contains(p.scenario()))) {
                continue;
            }
            if (p.runtime().equals("cpython")) {
                out.add(Arguments.of(p, 0));
            } else {
                for (int jdk : new int[] {17, 25}) {
                    if (jdk >= p.answerKey().minJava()) {
                        out.add(Arguments.of(p, jdk));
                    }
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} JDK {1}")
    @MethodSource("plays")
    void findingsNameTheRootCauseAndTheirNextCallsSucceed(Playbook play, int jdk) {
        AnswerKey key = play.answerKey();
        try (AutoCloseable target = start(play, jdk)) {
            int pid = pid(target);
            McpSchema.CallToolResult snap = server.call("snapshot", Map.of("pid", pid, "samples", 3, "interval_ms", 300));
            String text = ToolResults.text(snap);
            System.out.println(text);
            assertThat(snap.isError()).as(text).isFalse();
            List<Map<String, Object>> findings = FindingsCheck.of(snap.structuredContent());
            List<FindingsCheck.Item> checked = FindingsCheck.check(key, findings);
            assertThat(checked).as(text).isNotEmpty().allSatisfy(i -> assertThat(i.met()).as(i + "\n" + text).isTrue());
            // the stacks follow the findings: the first group, or the idle ones when every group is idle
            int stacks = text.indexOf("\n[1] ") >= 0 ? text.indexOf("\n[1] ") : text.indexOf("\nidle:");
            assertThat(text.indexOf("FINDINGS:")).as("findings lead the text").isPositive().isLessThan(stacks);
            int block = stacks - text.indexOf("FINDINGS:");
            assertThat(block).as("the findings block stays compact").isLessThan(3000);
            for (Map<String, Object> f : findings) {
                assertThat(String.valueOf(f.get("fix"))).as(f.toString()).isNotBlank();
                assertThat((List<?>) f.get("next")).as("each finding proposes a next call: " + f).isNotEmpty();
                for (Object n : (List<?>) f.get("next")) {
                    assertNextCallSucceeds((Map<?, ?>) n);
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    static void assertNextCallSucceeds(Map<?, ?> next) {
        String tool = (String) next.get("tool");
        Map<String, Object> args = (Map<String, Object>) next.get("arguments");
        McpSchema.CallToolResult r = server.call(tool, args);
        String text = ToolResults.text(r);
        assertThat(r.isError()).as(tool + " " + args + ":\n" + text).isFalse();
        if (tool.equals("inject_script")) {
            assertThat(ToolResults.structured(r)).as(tool + " " + args + ":\n" + text).containsEntry("state", "completed");
        }
    }

    private static AutoCloseable start(Playbook play, int jdk) {
        if (jdk == 0) {
            return Scenario.startPython(TestPythons.require("3.14"), play.scenario(), play.script());
        }
        return JavaScenarioProcess.start(TestJdks.require(jdk), play.scenario(), Duration.ofSeconds(20));
    }

    private static int pid(AutoCloseable target) {
        return target instanceof Scenario s ? s.pid() : ((JavaScenarioProcess) target).pid();
    }
}
