package dev.thaw.python;

import dev.thaw.snapshot.Frame;
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
     * Python prelude: {@code _thaw_truth(delay)} starts a thread that, after {@code delay}
     * seconds, prints one line "TRUTH [...]" with every other thread's stack (qualname, file,
     * line; innermost first; keyed by native tid) and exits. Print nothing before it: the test
     * takes the first line as the truth.
     */
    static final String TRUTH_PRELUDE = String.join("\n",
            "import sys as _sys, threading as _th, json as _json, time as _time",
            "def _thaw_truth(delay=0.4):",
            "    def run():",
            "        _time.sleep(delay)",
            "        me = _th.get_ident()",
            "        ids = {t.ident: t.native_id for t in _th.enumerate()}",
            "        out = []",
            "        for ident, fr in _sys._current_frames().items():",
            "            if ident == me:",
            "                continue",
            "            st = []",
            "            while fr is not None:",
            "                st.append([fr.f_code.co_qualname, fr.f_code.co_filename, fr.f_lineno])",
            "                fr = fr.f_back",
            "            out.append({'tid': ids.get(ident), 'frames': st})",
            "        print('TRUTH ' + _json.dumps(out), flush=True)",
            "    _th.Thread(target=run, name='thaw-truth').start()",
            "");

    static final String UNWINDER = String.join("\n",
            "import _remote_debugging, json, sys",
            "pid = int(sys.argv[1])",
            "err = None",
            "for attempt in range(5):",
            "    try:",
            "        r = _remote_debugging.RemoteUnwinder(pid, all_threads=True).get_stack_trace()",
            "        break",
            "    except Exception as e:",
            "        err = e",
            "else:",
            "    print(json.dumps({'error': repr(err)}))",
            "    sys.exit(0)",
            "threads = []",
            "for item in r:",
            "    if hasattr(item, 'threads'):",
            "        if item.interpreter_id != 0:",
            "            continue",
            "        ts = item.threads",
            "    else:",
            "        ts = [item]",
            "    for t in ts:",
            "        frames = []",
            "        for f in t.frame_info:",
            "            if hasattr(f, 'lineno'):",
            "                line = f.lineno",
            "            else:",
            "                line = f.location.lineno if f.location is not None else None",
            "            frames.append([f.funcname, f.filename, line])",
            "        threads.append({'tid': t.thread_id, 'frames': frames})",
            "print(json.dumps({'threads': threads}))",
            "");

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
        Process p = new ProcessBuilder(TestPythons.require(version).toString(), "-c", UNWINDER, Integer.toString(pid))
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
