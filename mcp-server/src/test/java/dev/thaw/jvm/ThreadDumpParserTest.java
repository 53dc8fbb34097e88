package dev.thaw.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thaw.jvm.FrameLock.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parses Thread.print -l -e output recorded from real JDK 17.0.15 and 25.0.3 JVMs running
 * {@code LockScenarios monitor juc waiter idle=4}.
 */
class ThreadDumpParserTest {

    static String dump(int jdk) throws IOException {
        try (InputStream in = ThreadDumpParserTest.class.getResourceAsStream("/jvm/threaddump-jdk" + jdk + "-locks.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void threadsHeadersAndStates(int jdk) throws IOException {
        JvmThreadDump d = ThreadDumpParser.parse(dump(jdk));
        assertThat(d.timestamp()).startsWith("2026-");
        // JDK 8 names its HotSpot version: "OpenJDK 64-Bit Server VM (25.504-b01 mixed mode)"
        assertThat(d.vm()).startsWith("OpenJDK 64-Bit Server VM (" + (jdk == 8 ? 25 : jdk));
        JvmThread main = d.thread("main").orElseThrow();
        assertThat(main.daemon()).isFalse();
        assertThat(main.priority()).isEqualTo(5);
        assertThat(main.number()).isPositive();
        assertThat(main.nid()).isPositive();
        assertThat(main.tid()).startsWith("0x");
        assertThat(main.state()).isEqualTo(Thread.State.TIMED_WAITING);
        assertThat(main.stateDetail()).isEqualTo("sleeping");
        assertThat(main.frames()).last().extracting(JvmFrame::qualifiedMethod)
                .isEqualTo("dev.thaw.testing.jvm.LockScenarios.main");
        assertThat(main.frames().get(main.frames().size() - 1).location()).isEqualTo("LockScenarios.java:61");

        JvmThread vmThread = d.thread("VM Thread").orElseThrow();
        assertThat(vmThread.isJavaThread()).isFalse();
        assertThat(vmThread.number()).isEqualTo(-1);
        assertThat(vmThread.status()).isEqualTo("runnable");
        assertThat(d.thread("idle-0").orElseThrow().frames()).hasSize(jdk >= 21 ? 27 : 26);
        assertThat(d.threads()).extracting(JvmThread::tid).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void monitorDeadlock(int jdk) throws IOException {
        JvmThreadDump d = ThreadDumpParser.parse(dump(jdk));
        JvmThread a = d.thread("T-A").orElseThrow();
        assertThat(a.state()).isEqualTo(Thread.State.BLOCKED);
        assertThat(a.status()).isEqualTo("waiting for monitor entry");
        assertThat(a.waitingFor()).get().extracting(FrameLock::kind).isEqualTo(Kind.WAITING_TO_LOCK);
        assertThat(a.waitingFor().get().lock().className()).isEqualTo("dev.thaw.testing.jvm.LockScenarios$MonitorB");
        assertThat(a.heldMonitors()).extracting(LockRef::className)
                .containsExactly("dev.thaw.testing.jvm.LockScenarios$MonitorA");
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void jucDeadlockOwnersComeFromOwnableSynchronizers(int jdk) throws IOException {
        JvmThreadDump d = ThreadDumpParser.parse(dump(jdk));
        JvmThread c = d.thread("T-C").orElseThrow();
        JvmThread dd = d.thread("T-D").orElseThrow();
        assertThat(c.waitingFor().orElseThrow().kind()).isEqualTo(Kind.PARKING);
        assertThat(c.ownableSynchronizers()).hasSize(1);
        assertThat(c.waitingFor().orElseThrow().lock().address()).isEqualTo(dd.ownableSynchronizers().get(0).address());
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void objectWaitReleasesTheMonitor(int jdk) throws IOException {
        JvmThreadDump d = ThreadDumpParser.parse(dump(jdk));
        JvmThread w = d.thread("T-W").orElseThrow();
        assertThat(w.waitingFor().orElseThrow().kind()).isEqualTo(Kind.WAITING_ON);
        // printed as "- locked" on the caller frame (JDK 11.0.33: "- waiting to re-lock in wait()", though
        // not notified), but released while waiting: not held, and no wait-for edge
        assertThat(w.frames().stream().flatMap(f -> f.locks().stream()).map(FrameLock::kind))
                .contains(jdk == 11 ? Kind.WAITING_TO_RELOCK : Kind.LOCKED);
        assertThat(w.heldMonitors()).isEmpty();
        assertThat(d.waitForGraph().edgeFrom(w.tid())).isEmpty();
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void waitForGraphFindsBothCyclesAndTheChain(int jdk) throws IOException {
        JvmThreadDump d = ThreadDumpParser.parse(dump(jdk));
        WaitForGraph g = d.waitForGraph();
        assertThat(g.cycles()).hasSize(2);
        assertThat(g.cycles().get(0).threadNames()).containsExactly("T-A", "T-B");
        assertThat(g.cycles().get(1).threadNames()).containsExactly("T-C", "T-D");
        assertThat(g.cycles().get(1).edges()).allMatch(e -> e.kind() == Kind.PARKING);
        // T-J is blocked on the monitor T-H holds; not a deadlock, but an edge
        WaitForGraph.Edge j = g.edgeFrom(d.thread("T-J").orElseThrow().tid()).orElseThrow();
        assertThat(j.owner()).isEqualTo("T-H");
        assertThat(j.kind()).isEqualTo(Kind.WAITING_TO_LOCK);
        // no edge for Object.wait() or for parked threads whose blocker nobody owns
        assertThat(g.edgeFrom(d.thread("T-W").orElseThrow().tid())).isEmpty();
        assertThat(g.edges()).hasSize(5);
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void hotspotsOwnDeadlockReportAgrees(int jdk) throws IOException {
        JvmThreadDump d = ThreadDumpParser.parse(dump(jdk));
        assertThat(d.reportedDeadlocks()).hasSize(2);
        // in HotSpot's order, which is the dump's: oldest thread first from JDK 17 on, newest first on 8 and 11
        ReportedDeadlock monitors = d.reportedDeadlocks().stream()
                .filter(r -> r.waits().get(0).kind().equals("monitor")).findFirst().orElseThrow();
        assertThat(monitors.threadNames()).containsExactlyInAnyOrder("T-A", "T-B");
        ReportedDeadlock.Wait byA = monitors.waits().stream().filter(w -> w.heldBy().equals("T-B")).findFirst().orElseThrow();
        assertThat(byA.lock()).isEqualTo(d.thread("T-A").orElseThrow().waitingFor().orElseThrow().lock());
        ReportedDeadlock juc = d.reportedDeadlocks().stream().filter(r -> r != monitors).findFirst().orElseThrow();
        assertThat(juc.waits()).extracting(ReportedDeadlock.Wait::kind).containsOnly("ownable synchronizer");
        assertThat(juc.waits()).extracting(ReportedDeadlock.Wait::lock)
                .contains(d.thread("T-D").orElseThrow().waitingFor().orElseThrow().lock());
        // the "Java stack information" part must not create threads
        assertThat(d.threads().stream().filter(t -> t.name().equals("T-A"))).hasSize(1);
    }

    /** Recorded from JDK 25.0.3 running sample-deadlock-app's java-class-init-deadlock. */
    @org.junit.jupiter.api.Test
    void classInitializationWaitNamesTheClass() throws IOException {
        String text;
        try (InputStream in = ThreadDumpParserTest.class.getResourceAsStream("/jvm/threaddump-jdk25-classinit.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JvmThreadDump d = ThreadDumpParser.parse(text);
        JvmThread prices = d.thread("price-loader").orElseThrow();
        assertThat(prices.state()).isEqualTo(Thread.State.RUNNABLE);
        assertThat(prices.waitingFor()).get().satisfies(l -> {
            assertThat(l.kind()).isEqualTo(Kind.CLASS_INIT);
            assertThat(l.lock().className()).isEqualTo("dev.thaw.samples.java.ClassInitDeadlock$Rates");
            assertThat(l.lock().hasAddress()).isFalse();
        });
        assertThat(d.thread("rate-loader").orElseThrow().waitingFor()).get()
                .extracting(l -> l.lock().className()).isEqualTo("dev.thaw.samples.java.ClassInitDeadlock$Prices");
        assertThat(WaitForGraph.of(d.threads()).edges()).isEmpty(); // no address: no monitor edge is invented
    }
}
