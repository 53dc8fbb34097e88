package dev.thaw.inject;

import dev.thaw.proc.ProcFs;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thaw killed with SIGKILL in the middle of an injection leaves its directory in the target's
 * root (nothing can run at SIGKILL); the next thaw removes it at start, found through the dead
 * one's journal. The target is not harmed: the orphaned script ends quietly.
 */
class CrashCleanupIT {

    @TempDir
    Path state;

    @Test
    void aCrashedThawsDirectoriesAreRemovedByTheNextOne() throws Exception {
        try (TestPythons.Target t = TestPythons.start("3.14", PythonProgram.of("python/inject/sleep_loop.py"))) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", ThawServerProcess.jar().toString(), "inject", Integer.toString(t.pid()),
                    "--code", "import time\ntime.sleep(2)\nprint('late')", "--timeout", "60")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("XDG_STATE_HOME", state.toString());
            Process thaw = pb.start();
            // The target's /dev/shm (a tmpfs in the sid root) is preferred; its /tmp otherwise.
            List<Path> tmp = List.of(ProcFs.system().inTargetRoot(t.pid(), "/dev/shm"),
                    ProcFs.system().inTargetRoot(t.pid(), "/tmp"));
            String owner = thaw.pid() + ".";
            List<Path> dirs = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (dirs.isEmpty() && System.nanoTime() < deadline) {
                dirs = dirsOf(tmp, owner);
                Thread.sleep(20);
            }
            assertThat(dirs).as("the injection's directory").hasSize(1);
            Thread.sleep(300); // delivered and running by now
            thaw.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(thaw.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(dirs.get(0)).as("left behind by the crash").exists();
            Path journal = state.resolve("thaw").resolve("injections");
            try (Stream<Path> j = Files.list(journal)) {
                assertThat(j.map(p -> p.getFileName().toString())).as("journal of the crashed thaw, written ahead")
                        .anyMatch(n -> n.startsWith(owner));
            }

            InjectionDirs next = new InjectionDirs(ProcFs.system(), journal);
            assertThat(next.sweepStale()).isGreaterThanOrEqualTo(1);
            assertThat(dirs.get(0)).doesNotExist();
            try (Stream<Path> j = Files.list(journal)) {
                assertThat(j.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(owner));
            }
            next.close();

            // The orphaned script finishes into a directory that is gone: silently, the target keeps going.
            Thread.sleep(2500);
            assertThat(t.process().isAlive()).isTrue();
            assertThat(t.stderr()).isEmpty();
        }
    }

    private static List<Path> dirsOf(List<Path> places, String ownerPrefix) throws IOException {
        List<Path> out = new java.util.ArrayList<>();
        for (Path tmp : places) {
            try (Stream<Path> s = Files.list(tmp)) {
                out.addAll(s.filter(p -> p.getFileName().toString().startsWith("thaw-inj-" + ownerPrefix)).toList());
            }
        }
        return out;
    }
}
