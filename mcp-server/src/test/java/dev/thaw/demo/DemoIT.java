package dev.thaw.demo;

import dev.thaw.testing.ThawServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code thaw demo} from the real jar, for every scenario: the root cause it prints is thaw's findings
 * (never the answer key's prewritten words), and they pass the key's findings check (exit status 0).
 * Without python3.14 the demo says so in one line, with how to get it, before running the Java scenario.
 */
class DemoIT {

    @TempDir
    static Path state;

    static List<String> scenarios() {
        return Playbook.ALL.stream().map(Playbook::scenario).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void theRootCauseIsThawsFindings(String scenario) throws Exception {
        AnswerKey key = AnswerKey.load(scenario);
        String out = demo(Map.of(), "--scenario", scenario);
        System.out.println(out);
        String root = section(out, "== Root cause, as thaw's findings state it");
        assertThat(root).as(out).isNotEmpty().doesNotContain(key.postmortem());
        for (String kind : key.findingKinds()) {
            assertThat(root).as(out).contains("[" + kind + ", ");
        }
        if (!key.findingKinds().isEmpty()) {
            String checked = section(out, "== Do the findings carry the root cause?");
            assertThat(checked).as(out).contains("✓").doesNotContain("✗");
        }
        assertThat(out).as("the key's postmortem is never printed as thaw's finding").doesNotContain(key.postmortem());
        assertThat(exit).as(out).isZero();
    }

    @Test
    void withoutPython314TheDemoSaysSoInOneLine() throws Exception {
        String out = demo(Map.of("THAW_PYTHON", "", "THAW_TEST_PYTHONS", "/nonexistent", "PATH", "/usr/bin:/bin"));
        List<String> lines = out.lines().filter(l -> l.contains("python3.14")).toList();
        assertThat(lines).as(out).hasSize(1);
        assertThat(lines.get(0)).contains("No python3.14 found", "scripts/provision-test-pythons.sh", "java-monitor-lock-ordering");
        assertThat(out).contains("[lock_order_deadlock, high]");
    }

    private static int exit;

    private static String demo(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", ThawServerProcess.jar().toString(), "demo"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("XDG_STATE_HOME", state.toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("thaw-demo-", ".out");
        pb.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("thaw demo " + String.join(" ", args) + " did not finish in 240 s");
        }
        exit = p.exitValue();
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return text;
    }

    /** The lines after a heading, up to the next heading. */
    private static String section(String out, String heading) {
        int i = out.indexOf(heading);
        if (i < 0) {
            return "";
        }
        int end = out.indexOf("\n== ", i + heading.length());
        return out.substring(i + heading.length(), end < 0 ? out.length() : end);
    }
}
