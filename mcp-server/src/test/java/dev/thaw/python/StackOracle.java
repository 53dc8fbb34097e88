package dev.thaw.python;

import dev.thaw.snapshot.Frame;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The two references our stacks are compared with:
 * <ul>
 *   <li>the target's own view, {@code sys._current_frames()} dumped from a helper thread inside the
 *       target once every other thread is parked ({@link #TRUTH_PRELUDE}); exact by construction;</li>
 *   <li>CPython's {@code _remote_debugging.RemoteUnwinder(pid, all_threads=True).get_stack_trace()}
 *       run by the same interpreter version from inside the sid root.</li>
 * </ul>
 */
final class StackOracle {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Run before each cross-check program: {@code _thaw_truth(delay)} prints the target's own stacks
     * as one line "TRUTH [...]" once every other thread is parked.
     */
    static final PythonProgram TRUTH_PRELUDE = PythonProgram.of("python/stacks/truth_prelude.py");

    /** CPython's RemoteUnwinder on the pid given as argument, printed as one JSON line. */
    static final PythonProgram UNWINDER = PythonProgram.of("python/stacks/remote_unwinder.py");

    private StackOracle() {
    }

    /** Parses a "TRUTH [...]" line into tid -> frames. */
    static Map<Long, List<Frame>> truth(String line) {
        if (!line.startsWith("TRUTH ")) {
            throw new IllegalArgumentException("not a truth line: " + line);
        }
        return byTid(JSON.readTree(line.substring(6)));
    }

    /** RemoteUnwinder's answer as tid -> frames, or an error message. */
    record Unwound(Map<Long, List<Frame>> threads, String error) {
    }

    static Unwound remoteUnwinder(String version, int pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(TestPythons.require(version).toString(), "-c", UNWINDER.text(), Integer.toString(pid))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("RemoteUnwinder hung");
        }
        JsonNode root;
        try {
            root = JSON.readTree(out.substring(out.lastIndexOf('\n') + 1));
        } catch (RuntimeException e) {
            throw new IllegalStateException("RemoteUnwinder printed: " + out, e);
        }
        if (root.has("error")) {
            return new Unwound(Map.of(), root.get("error").asString());
        }
        return new Unwound(byTid(root.get("threads")), null);
    }

    private static Map<Long, List<Frame>> byTid(JsonNode threads) {
        Map<Long, List<Frame>> out = new LinkedHashMap<>();
        for (JsonNode t : threads) {
            if (t.get("tid").isNull()) {
                continue;
            }
            List<Frame> frames = new ArrayList<>();
            for (JsonNode f : t.get("frames")) {
                frames.add(new Frame(f.get(0).asString(), f.get(1).asString(),
                        f.get(2).isNull() ? null : f.get(2).asInt()));
            }
            out.put(t.get("tid").asLong(), frames);
        }
        return out;
    }

    static Map<Long, List<Frame>> ours(List<PyThreadStack> threads) {
        Map<Long, List<Frame>> out = new LinkedHashMap<>();
        for (PyThreadStack t : threads) {
            out.put(t.tid(), t.frames());
        }
        return out;
    }
}
