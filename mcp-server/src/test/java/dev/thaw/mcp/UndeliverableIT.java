package dev.thaw.mcp;

import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import dev.thaw.testing.ToolResults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Through the real server: an injection into a process whose every thread is blocked without a
 * timeout answers undeliverable within a second (not after its 10 s wait), says why and what to do
 * instead, and doctor says the same before anything is injected.
 */
class UndeliverableIT {

    static final String ALL_BLOCKED = PythonProgram.of("python/inject/all_blocked_stdin.py").text();

    @Test
    void answersAtOnceWithReasonsAndDoctorAgrees() throws Exception {
        try (TestPythons.Target t = TestPythons.start("3.14", ALL_BLOCKED);
             ThawServerProcess server = ThawServerProcess.builder().args("--approve", "auto").start()) {
            server.client().initialize();
            Thread.sleep(300); // the main thread reaches its lock.acquire() right after 'ready'
            McpSchema.CallToolResult doctor = server.call("doctor", Map.of("pid", t.pid()));
            assertThat(ToolResults.text(doctor)).contains("injection_delivery", "cannot be delivered now");
            assertThat(ToolResults.structured(doctor)).containsEntry("canInject", false);

            // The first injection of a fresh server pays its start-up (class loading, the stale-directory sweep).
            server.call("inject_script", Map.of("pid", t.pid(), "code", "print(1)"));
            long t0 = System.nanoTime();
            McpSchema.CallToolResult r = server.call("inject_script", Map.of("pid", t.pid(), "code", "print(1)",
                    "timeout_s", 10));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Map<String, Object> s = ToolResults.structured(r);
            assertThat(s).as(ToolResults.text(r)).containsEntry("state", "undeliverable").containsEntry("delivered", false);
            assertThat(ms).as("answered within a second, not after the 10 s wait").isLessThan(1_000);
            assertThat(ToolResults.text(r)).contains("Undeliverable", "(main)", "stdin-waiter", "snapshot",
                    "will never run");
            @SuppressWarnings("unchecked")
            List<Object> armed = (List<Object>) s.get("armedTids");
            assertThat(armed == null || armed.isEmpty()).isTrue();
        }
    }
}
