package dev.thaw.findings;

import dev.thaw.jvm.JvmProbe;
import dev.thaw.proc.ProcFs;
import dev.thaw.process.SnapshotService;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.jvm.HealthyJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Healthy processes at rest raise nothing: an HTTP server and a socket server waiting for clients, an
 * idle asyncio service, an idle gevent worker (3.14: gevent is built for it only), an idle thread
 * pool, a CPU-bound worker, a worker joined by main while it waits on a queue a server thread fills; and a JVM with idle pools, a server in accept, a busy worker. Zero findings
 * and no group classified stuck, over three samples, on Python 3.14 and 3.15, JDK 17 and 25.
 */
class HealthyProcessesTest {

    static final SnapshotService SNAPSHOTS = new SnapshotService(ProcFs.system(), new JvmProbe(ProcFs.system()));

    static Stream<Arguments> pythons() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String v : new String[] {"3.14", "3.15"}) {
            for (String s : new String[] {"http_server_idle", "accept_server_idle", "asyncio_idle", "pool_idle", "cpu_busy",
                    "queue_worker_joined"}) {
                b.add(Arguments.of(v, s));
            }
        }
        b.add(Arguments.of("3.14", "gevent_idle"));
        return b.build();
    }

    @ParameterizedTest(name = "python {0} {1}")
    @MethodSource("pythons")
    void healthyPythonRaisesNothing(String version, String script) {
        try (TestPythons.Target t = TestPythons.start(version, resource("/healthy/" + script + ".py"))) {
            assertThat(t.readyLine()).as(t.stderr()).isEqualTo("READY");
            assertHealthy(SNAPSHOTS.snapshot(t.pid(), SnapshotRequest.of(3, 200, null, null)));
        }
    }

    /**
     * Background threads parked without a timeout on a shutdown Event and an empty queue, main in a sleep
     * loop: the shape of a lost wake-up nobody joins, and of every service that waits for SIGTERM. Those
     * threads are stuck by definition (no timeout, never move), but no finding may call it a hang: nothing
     * a snapshot reads tells who could still set the Event (a signal handler here).
     */
    @ParameterizedTest(name = "python {0}")
    @ValueSource(strings = {"3.14", "3.15"})
    void threadsWaitingForShutdownRaiseNoFinding(String version) {
        try (TestPythons.Target t = TestPythons.start(version, resource("/healthy/shutdown_waiters_sleep_loop.py"))) {
            assertThat(t.readyLine()).as(t.stderr()).isEqualTo("READY");
            Snapshot s = SNAPSHOTS.snapshot(t.pid(), SnapshotRequest.of(3, 200, null, null));
            String text = SnapshotRenderer.text(s);
            assertThat(s.groups()).as(text).hasSizeGreaterThanOrEqualTo(3);
            assertThat(s.findings()).as(text).isEmpty();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void healthyJvmRaisesNothing(int feature) {
        try (TestJdks.Target t = TestJdks.start(TestJdks.require(feature), HealthyJvm.class)) {
            assertHealthy(SNAPSHOTS.snapshot(t.pid(), SnapshotRequest.of(3, 200, null, null)));
        }
    }

    @Test
    void oneSampleOfAHealthyJvmRaisesNothingEither() {
        try (TestJdks.Target t = TestJdks.start(TestJdks.require(17), HealthyJvm.class)) {
            assertHealthy(SNAPSHOTS.snapshot(t.pid(), SnapshotRequest.defaults()));
        }
    }

    static void assertHealthy(Snapshot s) {
        String text = SnapshotRenderer.text(s);
        System.out.println(text);
        assertThat(s.findings()).as(text).isEmpty();
        // A snapshot that read nothing would pass the loop below: the process's threads must be there.
        assertThat(s.groups()).as(text).isNotEmpty();
        for (StackGroup g : s.groups()) {
            assertThat(g.activity()).as("group " + g.rank() + " judged\n" + text).isNotNull();
            assertThat(g.activity()).as("group " + g.rank() + "\n" + text).isNotEqualTo(Activity.STUCK);
        }
    }

    static String resource(String path) {
        return PythonProgram.of(path.substring(1)).text();
    }
}
