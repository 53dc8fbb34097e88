package dev.thaw.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thaw.demo.AnswerKey;
import dev.thaw.jvm.snapshot.JvmSnapshotter;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.ProcFs;
import dev.thaw.samples.Scenarios;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.JvmLocks;
import dev.thaw.snapshot.Snapshot;
import dev.thaw.snapshot.SnapshotRenderer;
import dev.thaw.snapshot.SnapshotRequest;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.testing.JavaScenarioProcess;
import dev.thaw.testing.TestJdks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Java scenario of sample-deadlock-app, started on JDK 17 and JDK 25 (the virtual-thread one on
 * 25 only) three times each, the way a person starts it: it must print its pid line (= hung) within
 * 2 s of the JVM's start, and thaw's snapshot of it, taken in-process with {@link JvmSnapshotter}
 * (the snapshot tool's JVM engine), must show what the scenario's answer key says a correct
 * diagnosis sees there: the threads (blocked or waiting, running the key's code), the frames, the
 * locks, and for deadlocks visible to the snapshot the cycle made of exactly the key's threads; for
 * starvation every worker of the pool waiting. Real JVMs, no mocks.
 */
class JavaScenariosIT {

    private final JvmSnapshotter jvm = new JvmSnapshotter(new AttachClients(ProcFs.system()));

    static final int RUNS = 3;
    static final Duration HANG_WITHIN = Duration.ofSeconds(2);
    /** Only to collect the pid line of a slow start; the assertion is {@link #HANG_WITHIN}. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    /** sample-deadlock-app is compiled at --release 17, so its scenarios run on 17+ only. */
    static final List<Integer> JDKS = List.of(17, 21, 25);

    static Stream<Arguments> scenariosAndJdks() {
        List<Arguments> out = new ArrayList<>();
        for (String scenario : Scenarios.javaScenarios()) {
            int min = AnswerKey.load(scenario).minJava();
            for (int feature : JDKS) {
                if (feature >= min) {
                    out.add(Arguments.of(scenario, feature));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} on JDK {1}")
    @MethodSource("scenariosAndJdks")
    void hangsWithinTwoSecondsAndTheSnapshotShowsTheAnswerKey(String scenario, int feature) {
        TestJdks.Jdk jdk = TestJdks.require(feature);
        AnswerKey key = AnswerKey.load(scenario);
        List<Long> millis = new ArrayList<>();
        for (int run = 1; run <= RUNS; run++) {
            try (JavaScenarioProcess p = JavaScenarioProcess.start(jdk, scenario, START_TIMEOUT)) {
                String where = scenario + " on " + jdk + ", run " + run + " (pid " + p.pid() + ")";
                millis.add(p.timeToHang().toMillis());
                assertThat(p.pidLine()).isEqualTo("pid=" + p.pid() + " scenario=" + scenario);
                assertThat(p.timeToHang()).as(where + ": time from JVM start to the pid line").isLessThan(HANG_WITHIN);
                Snapshot s = jvm.snapshot(p.pid(), SnapshotRequest.defaults());
                assertThat(s.runtime()).isEqualTo("hotspot");
                assertMatchesKey(where, key, s);
                assertThat(p.isAlive()).as(where + ": still hung after the snapshot").isTrue();
                assertThat(p.stderr()).as(where + ": stderr").isEmpty();
            }
        }
        System.out.println("time to hang, " + scenario + " on " + jdk + ": " + millis + " ms");
    }

    @Test
    void virtualThreadScenarioRefusesJdk17WithTheReason() throws Exception {
        TestJdks.Jdk jdk = TestJdks.require(17);
        try (JavaScenarioProcess p = JavaScenarioProcess.launch(jdk, "java-virtual-threads")) {
            assertThat(p.waitForExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(p.stdout()).doesNotContain("pid=");
            assertThat(p.stderr()).contains("needs JDK 21 or newer").contains(jdk.version());
        }
    }

    @Test
    void unknownScenarioIsRefusedWithTheList() throws Exception {
        // The scenarios are compiled for Java 17: a JDK 8 listed first could not even load them.
        TestJdks.Jdk jdk = TestJdks.require(17);
        try (JavaScenarioProcess p = JavaScenarioProcess.launch(jdk, "java-no-such-scenario")) {
            assertThat(p.waitForExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(p.stderr()).contains("usage:").contains(String.join(", ", Scenarios.javaScenarios()));
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** A thread of the snapshot with the frames of its group. */
    record Seen(ThreadSnapshot thread, List<Frame> frames) {
        boolean runs(AnswerKey key) {
            return frames.stream().anyMatch(f -> key.frames().stream().anyMatch(k -> AnswerKey.frameMatches(k, f.function())));
        }

        boolean stuck() {
            return "WAITING".equals(thread.state()) || "BLOCKED".equals(thread.state());
        }

        String describe() {
            return "\"" + thread.name() + "\" " + thread.state() + " waits on " + thread.lockWaitedOn() + " holds "
                    + thread.locksHeld() + " at " + frames.stream().limit(12).map(Frame::function).toList();
        }
    }

    static void assertMatchesKey(String where, AnswerKey key, Snapshot s) {
        List<Seen> all = new ArrayList<>();
        for (StackGroup g : s.groups()) {
            for (ThreadSnapshot t : g.threads()) {
                all.add(new Seen(t, g.frames()));
            }
        }
        String dump = all.stream().map(Seen::describe).collect(Collectors.joining("\n  ", "\n  ", ""));

        if (key.visible("frames", "snapshot")) {
            for (String frame : key.frames()) {
                assertThat(all).as(where + ": a thread with frame " + frame + dump)
                        .anyMatch(x -> x.frames().stream().anyMatch(f -> AnswerKey.frameMatches(frame, f.function())));
            }
        }

        // Each key thread is a distinct thread of the snapshot, stuck in the key's code.
        List<Seen> keyThreads = new ArrayList<>();
        if (key.visible("threads", "snapshot")) {
            for (String entry : key.threads()) {
                Seen match = all.stream()
                        .filter(x -> !keyThreads.contains(x) && AnswerKey.nameMatches(entry, x.thread().name())
                                && x.stuck() && x.runs(key))
                        .findFirst().orElse(null);
                assertThat(match).as(where + ": a BLOCKED or WAITING thread named " + entry + " running one of "
                        + key.frames() + " (besides " + keyThreads.stream().map(k -> k.thread().name()).toList() + ")" + dump)
                        .isNotNull();
                keyThreads.add(match);
            }
        }

        // JDK 21's virtual-thread dump has no locks: the snapshot must say so instead (JDK 25 shows them)
        boolean virtualLocksUnknown = s.notes().contains(dev.thaw.jvm.snapshot.JvmSnapshotter.NO_VTHREAD_STATES);
        if (key.visible("locks", "snapshot") && virtualLocksUnknown) {
            assertThat(all.stream().filter(x -> x.runs(key)))
                    .as(where + ": the key's threads are virtual threads, whose locks JDK 21 does not report" + dump)
                    .allMatch(x -> x.thread().jvm() != null && x.thread().jvm().virtual());
        } else if (key.visible("locks", "snapshot")) {
            List<Seen> workers = all.stream().filter(x -> x.runs(key)).toList();
            for (String lock : key.locks()) {
                String cls = AnswerKey.core(lock);
                assertThat(workers).as(where + ": a thread running the key's code waits on or holds a " + cls + dump)
                        .anyMatch(x -> contains(x.thread().lockWaitedOn(), cls)
                                || x.thread().locksHeld().stream().anyMatch(l -> contains(l, cls)));
            }
        }

        JvmLocks jvm = s.jvm();
        Set<String> names = keyThreads.stream().map(x -> x.thread().name()).collect(Collectors.toSet());
        if (key.visible("deadlock", "snapshot")) {
            assertThat(jvm.deadlocks()).as(where + ": a deadlock cycle of exactly " + names + " in " + jvm.deadlocks())
                    .anyMatch(d -> new HashSet<>(d.names()).equals(names) && d.names().size() == names.size());
            for (Seen x : keyThreads) {
                assertThat(x.thread().jvm().deadlocked()).as(where + ": " + x.thread().name() + " marked deadlocked").isTrue();
                assertThat(x.thread().owner()).as(where + ": owner of what " + x.thread().name() + " waits for").isNotNull();
                assertThat(x.thread().locksHeld()).as(where + ": " + x.thread().name() + " holds a lock").isNotEmpty();
            }
            if (keyThreads.stream().noneMatch(x -> x.thread().jvm().virtual())) {
                assertThat(jvm.reportedByJvm()).as(where + ": HotSpot's own report")
                        .anyMatch(r -> new HashSet<>(r).equals(names));
            }
        } else if ("deadlock".equals(key.kind())) {
            // The key says the snapshot cannot show this cycle. Keep the key honest if thaw learns to.
            assertThat(jvm.deadlocks()).as(where + ": thaw now shows a deadlock cycle among " + names
                    + ": add \"deadlock\" to visible_in.snapshot of " + key.scenario() + "'s answer key")
                    .noneMatch(d -> d.names().stream().anyMatch(names::contains));
        }

        if ("starvation".equals(key.kind())) {
            // Every worker of the starved pool (same name but for its number) waits in the key's code.
            Set<String> prefixes = key.exactThreads().stream().map(n -> n.replaceAll("\\d+$", "")).collect(Collectors.toSet());
            List<Seen> pool = all.stream().filter(x -> prefixes.stream().anyMatch(pre -> x.thread().name().startsWith(pre))).toList();
            assertThat(pool).as(where + ": the pool's workers " + prefixes + dump).hasSize(key.threads().size());
            assertThat(pool).as(where + ": every pool worker waits in the key's code" + dump)
                    .allMatch(x -> "WAITING".equals(x.thread().state()) && x.runs(key));
        }

        if (key.requiresJava() != null && key.requiresJava() >= 21) {
            assertThat(jvm.virtualThreads()).as(where + ": virtual threads in the snapshot").isPositive();
            assertThat(keyThreads).as(where + ": key threads are virtual").allMatch(x -> x.thread().jvm().virtual());
        }

        // What the model reads: the text rendering names the key's threads and frames.
        String text = SnapshotRenderer.text(s);
        for (String name : key.exactThreads()) {
            assertThat(text).as(where + ": rendered text names " + name).contains("\"" + name + "\"");
        }
        for (String frame : key.frames()) {
            assertThat(text).as(where + ": rendered text shows " + frame).contains("." + frame + " (");
        }
    }

    private static boolean contains(String s, String part) {
        return s != null && s.contains(part);
    }
}
