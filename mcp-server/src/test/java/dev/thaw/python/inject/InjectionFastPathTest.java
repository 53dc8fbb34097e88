package dev.thaw.python.inject;

import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionListener;
import dev.thaw.inject.InjectionState;
import dev.thaw.inject.StatusChange;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.ProgressSink;
import dev.thaw.inject.TargetIdentity;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the fast path changed, against real 3.14 processes: where the directory goes (the target's
 * /dev/shm when it is a roomy read-write tmpfs, else its /tmp), that a library that does not load
 * is still reported as a failure (the bootstrap writes plain text, thaw composes the status), and
 * that a script whose thread never gets to run is still reported as delivered (no 'delivered'
 * status is written any more: thaw reads the claim).
 */
class InjectionFastPathTest {

    static final String SLEEPER = PythonProgram.of("python/inject/sleep_loop.py").text();
    static final String WHERE = """
            import glob
            print(*(glob.glob('/dev/shm/thaw-inj-*-' + injection_id) + glob.glob('/tmp/thaw-inj-*-' + injection_id)))
            """;

    static ProcFs proc;
    static Path journal;
    static PythonInjector python;
    static InjectionService service;

    @BeforeAll
    static void start() throws IOException {
        proc = ProcFs.system();
        journal = Files.createTempDirectory("thaw-fastpath-journal");
        python = new PythonInjector(proc);
        service = InjectionService.start(proc, List.of(python), new InjectionDirs(proc, journal));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static InjectionResult inject(InjectionRequest r) {
        return service.inject(r, ProgressSink.NONE);
    }

    @Test
    void theDirectoryGoesToATmpfsDevShm() {
        try (TestPythons.Target t = TestPythons.start("3.14", SLEEPER)) {
            InjectionResult r = inject(InjectionRequest.of(t.pid(), WHERE));
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            assertThat(r.output().strip()).startsWith("/dev/shm/thaw-inj-");
        }
    }

    /**
     * A target in a mount namespace of its own whose /dev/shm is a 1 MiB tmpfs: less than four times
     * the default output cap (4 MiB), so the directory goes to its /tmp.
     */
    @Test
    void aDevShmWithoutRoomForTheCapIsPassedOver() {
        TestPythons.require("3.14");
        String shm = TestPythons.SID_ROOT.resolve("dev/shm").toString();
        List<String> cmd = List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o size=1m thaw-test-shm " + shm + " && exec /usr/sbin/chroot "
                        + TestPythons.SID_ROOT + " /usr/bin/python3.14 -c \"$0\"", SLEEPER);
        try (TestPythons.Target t = TestPythons.start(cmd, Map.of())) {
            InjectionResult r = inject(InjectionRequest.of(t.pid(), WHERE));
            assertThat(r.state()).as(r.toString()).isEqualTo("completed");
            assertThat(r.output().strip()).startsWith("/tmp/thaw-inj-");
        }
    }

    @Test
    void aBrokenLibraryIsReportedAsFailedAndNotHandedOutAgain() {
        try (TestPythons.Target t = TestPythons.start("3.14", SLEEPER)) {
            InjectionResult first = inject(InjectionRequest.of(t.pid(), "print('one')"));
            assertThat(first.state()).as(first.toString()).isEqualTo("completed");
            TargetIdentity id = python.identify(t.pid()).orElseThrow();
            assertThat(python.hasCompiledLib(id)).as("the target handed its compiled library back").isTrue();
            // Marshal data that starts like a code object and breaks off.
            python.useCompiledLib(id, new byte[] {(byte) 0xe3, 1, 2, 3});

            InjectionResult broken = inject(InjectionRequest.of(t.pid(), "print('two')"));

            assertThat(broken.state()).as(broken.toString()).isEqualTo("failed");
            assertThat(broken.delivered()).isTrue();
            assertThat(broken.error()).startsWith("thaw library: ");
            assertThat(broken.errorType()).isNotBlank();
            assertThat(python.hasCompiledLib(id)).as("a library that did not load is not handed out again").isFalse();
            InjectionResult after = inject(InjectionRequest.of(t.pid(), "print('three')"));
            assertThat(after.state()).as(after.toString()).isEqualTo("completed");
            assertThat(after.output()).isEqualTo("three\n");
        }
    }

    /**
     * The main thread picks the bootstrap up and starts the script's thread (through a wrapper of
     * _thread.start_new_thread that raises a flag), then holds the GIL in one long C call (sum over
     * a range never lets go of it; a long switch interval keeps the GIL from being asked for before
     * that): the script's thread never runs, so the target writes no status at all. thaw still says
     * it was delivered (it saw the claim).
     */
    @Test
    void aScriptWhoseThreadNeverRunsIsStillReportedDelivered() {
        String hog = PythonProgram.of("python/inject/hogs_gil_once_a_thread_starts.py").text();
        List<StatusChange> changes = new CopyOnWriteArrayList<>();
        service.setListener(new InjectionListener() {
            @Override
            public void statusChanged(StatusChange change) {
                changes.add(change);
            }
        });
        try (TestPythons.Target t = TestPythons.start("3.14", hog)) {
            InjectionResult r = inject(InjectionRequest.of(t.pid(), "print('never')").withThread(ThreadChoice.MAIN)
                    .withTimeout(Duration.ofSeconds(2)));
            assertThat(r.delivered()).as(r.toString()).isTrue();
            assertThat(r.state()).isEqualTo("timed_out");
            assertThat(r.output()).isEmpty();
            // Seen while waiting (from the claim), not only found out when the wait ended.
            assertThat(changes).filteredOn(c -> c.id().equals(r.injectionId()) && c.to() == InjectionState.DELIVERED)
                    .singleElement().extracting(StatusChange::detail).asString().contains("not started yet");
        } finally {
            service.setListener(null);
        }
    }
}
