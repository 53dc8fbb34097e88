package dev.thaw.session.approval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-line summary of what a script may change, on scripts that do and do not change state. */
class ScriptEffectsTest {

    @Test
    void readOnlyScriptsSayReadsOnly() {
        String python = """
                import sys, threading, gc, traceback
                # os.kill(1, 9) in a comment does not count, nor does "open(p, 'w')" in a string
                frames = sys._current_frames()
                for tid, f in frames.items():
                    print(tid, ''.join(traceback.format_stack(f)))
                counts = {}
                for o in gc.get_objects():
                    counts[type(o).__name__] = counts.get(type(o).__name__, 0) + 1
                rows = []
                rows.append(len(counts))
                out.write('done\\n')
                print(open('/proc/self/status').read()[:100])
                """;
        assertThat(ScriptEffects.scan(python, "python")).isEmpty();
        assertThat(ScriptEffects.summary(python, "python")).startsWith("Reads only");
        String java = """
                public void run(java.util.Map<String, String> params, java.io.PrintWriter out) {
                    // new FileOutputStream("x") in a comment
                    for (Thread t : Thread.getAllStackTraces().keySet()) {
                        out.println(t.getName() + " " + t.getState());
                    }
                }
                """;
        assertThat(ScriptEffects.summary(java, "java")).startsWith("Reads only");
    }

    @Test
    void scriptsThatChangeStateAreSummarisedWithTheirFirstLine() {
        String python = """
                import os, signal, subprocess, socket, app
                with open('/tmp/x', 'w') as f:
                    f.write('x')
                os.kill(os.getpid(), signal.SIGHUP)
                subprocess.run(['ls'])
                s = socket.socket()
                app.config.debug = True
                """;
        assertThat(ScriptEffects.summary(python, "python")).isEqualTo("May change the target: writes files (line 2); "
                + "sends signals (line 4); starts processes (line 5); opens sockets (line 6); "
                + "changes objects it did not create (app.config.debug) (line 7).");
    }

    @Test
    void changesToTheProgramsObjectsAreFoundButNotToTheScriptsOwn() {
        assertThat(ScriptEffects.summary("import __main__\n__main__.lock.release()\n", "python"))
                .contains("changes objects it did not create (__main__.lock.release()) (line 2)");
        assertThat(ScriptEffects.summary("import app\napp.cache['k'] = 1\n", "python")).contains("app.cache['k']");
        assertThat(ScriptEffects.summary("import app\nsetattr(app, 'x', 1)\n", "python")).contains("setattr on app");
        assertThat(ScriptEffects.summary("import __main__\nframe.f_locals['q'].put(None)\n", "python"))
                .as("frame is thaw's, but what it reaches is the program's: a subscript call is not tracked")
                .startsWith("Reads only");
        assertThat(ScriptEffects.summary("d = {}\nd['a'] = 1\nitems = []\nitems.append(2)\nfor x in items:\n    x.y = 1\n",
                "python")).startsWith("Reads only");
        assertThat(ScriptEffects.summary("exec(params['code'])", "python")).contains("runs dynamic code");
    }

    @Test
    void javaProbesToo() {
        assertThat(ScriptEffects.summary("java.nio.file.Files.writeString(p, \"x\");", "java")).contains("writes files");
        assertThat(ScriptEffects.summary("Field f = C.class.getDeclaredField(\"x\"); f.setAccessible(true); f.set(null, 1);",
                "java")).contains("writes fields or memory");
        assertThat(ScriptEffects.summary("new ProcessBuilder(\"ls\").start();", "java")).contains("starts processes");
        assertThat(ScriptEffects.summary("try (Socket s = new Socket(\"h\", 1)) {}", "java")).contains("opens sockets");
    }
}
