package dev.thaw.python;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessMemory;
import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The code-object cache shared by the readers of one process: kept while the interpreter's
 * {@code _code_object_generation} holds, replaced when it moves, and never polluted by a reader
 * that read an older generation than the one installed.
 */
class CodeCacheTest {

    private static final PythonCaches CACHES = new PythonCaches();


    @Test
    void sharedPerGenerationAndNeverRolledBack() {
        AtomicReference<RemoteObjects.CodeCache> shared = new AtomicReference<>();
        RemoteObjects a = new RemoteObjects(null, null, shared);
        RemoteObjects b = new RemoteObjects(null, null, shared);

        a.invalidateIf(5);
        RemoteObjects.CodeCache five = shared.get();
        assertThat(five.generation).isEqualTo(5);
        b.invalidateIf(5);
        assertThat(shared.get()).isSameAs(five); // a later snapshot starts with what the first decoded

        b.invalidateIf(6); // a code object was freed: its address may hold another one now
        RemoteObjects.CodeCache six = shared.get();
        assertThat(six).isNotSameAs(five);
        assertThat(six.generation).isEqualTo(6);

        a.invalidateIf(5); // a slow reader still at the older generation keeps a private cache
        assertThat(shared.get()).isSameAs(six);
        assertThat(a.cachedCodeObjects()).isZero();
    }

    /** exec() of the same interpreter keeps pid and start time: names decoded before must not be reused after. */
    @Test
    void execOfTheSameInterpreterStartsAFreshCache() throws Exception {
        String second = PythonProgram.of("python/code_cache/after_exec.py").text();
        ProcFs proc = ProcFs.system();
        try (TestPythons.Target t = TestPythons.start("3.14", PythonProgram.of("python/code_cache/execs_itself.py"), second)) {
            byte[] before;
            try (ProcessMemory mem = ProcessMemory.open(t.pid())) {
                before = PythonStackReader.execFingerprint(proc, t.pid(), mem);
                assertThat(before).hasSize(16).isEqualTo(PythonStackReader.execFingerprint(proc, t.pid(), mem));
            }
            java.util.List<String> before0 = functions(t.pid());
            for (int i = 0; i < 250 && !before0.contains("before_exec"); i++) {
                Thread.sleep(20);
                before0 = functions(t.pid());
            }
            assertThat(before0).contains("before_exec");
            OutputStream in = t.process().getOutputStream();
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(t.nextLine(Duration.ofSeconds(20))).isEqualTo("ready");
            try (ProcessMemory mem = ProcessMemory.open(t.pid())) {
                assertThat(PythonStackReader.execFingerprint(proc, t.pid(), mem)).isNotEqualTo(before);
            }
            java.util.List<String> after = functions(t.pid());
            for (int i = 0; i < 250 && !after.contains("after_exec"); i++) {
                Thread.sleep(20); // 'ready' is printed just before the call
                after = functions(t.pid());
            }
            assertThat(after).contains("after_exec").doesNotContain("before_exec");
        }
    }

    private static java.util.List<String> functions(int pid) {
        // One set of caches across the exec, as the server keeps: what was decoded before must not be reused.
        Snapshot s = PythonSnapshotter.snapshot(ProcFs.system(), pid, SnapshotRequest.defaults(), CACHES);
        return s.groups().stream().flatMap(g -> g.frames().stream()).map(f -> f.function()).toList();
    }
}
