package dev.thaw.findings;

import dev.thaw.snapshot.NextCall;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tool calls findings propose, built in one place so their arguments match the tools exactly. */
final class Next {

    private Next() {
    }

    /** {@code snapshot} of a process, several samples: whether what the finding rests on stays put. */
    static NextCall snapshot(int pid, int samples, String why) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("pid", pid);
        a.put("samples", samples);
        a.put("interval_ms", 500);
        return new NextCall("snapshot", a, why);
    }

    /** {@code inject_script} of a catalog diagnostic (no params: its defaults). */
    static NextCall diagnostic(int pid, String id, String why) {
        return diagnostic(pid, id, Map.of(), why);
    }

    /** {@code inject_script} of a catalog diagnostic with params (names and values as its metadata declares them). */
    static NextCall diagnostic(int pid, String id, Map<String, Object> params, String why) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("pid", pid);
        a.put("diagnostic", id);
        if (!params.isEmpty()) {
            a.put("params", new LinkedHashMap<>(params));
        }
        a.put("timeout_s", 30); // a first Java probe compiles and loads the agent: seconds on a busy machine
        return new NextCall("inject_script", a, why);
    }

    /** {@code jvm_diagnostic}: an agent-less attach command. */
    static NextCall jvmDiagnostic(int pid, String command, String why) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("pid", pid);
        a.put("command", command);
        return new NextCall("jvm_diagnostic", a, why);
    }
}
