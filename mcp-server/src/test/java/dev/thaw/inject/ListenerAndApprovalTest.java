package dev.thaw.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.python.inject.PythonInjector;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the session log hears, and the approval gate consulted before delivery. */
class ListenerAndApprovalTest {

    @TempDir
    Path journal;

    static final String TARGET = PythonProgram.of("python/inject/sleep_loop.py").text();

    @Test
    void theListenerHearsTheWriteAheadRecordEveryStateChangeAndTheOutput() {
        ProcFs proc = ProcFs.system();
        List<Object> events = Collections.synchronizedList(new ArrayList<>());
        try (InjectionService s = InjectionService.start(proc, List.of(new PythonInjector(proc)), new InjectionDirs(proc, journal));
             TestPythons.Target t = TestPythons.start("3.14", TARGET)) {
            s.setListener(new InjectionListener() {
                @Override
                public void queued(QueuedInjection q) {
                    events.add(q);
                }

                @Override
                public void approval(String id, ApprovalDecision d) {
                    events.add(d);
                }

                @Override
                public void statusChanged(StatusChange c) {
                    events.add(c);
                }

                @Override
                public void output(InjectionOutput o) {
                    events.add(o);
                }
            });
            s.setApprovalGate(q -> {
                // the write-ahead record is out before the gate is asked
                assertThat(events).first().isInstanceOf(QueuedInjection.class);
                return ApprovalDecision.approve("test");
            });
            String code = "print('hi', params['x'])";
            InjectionResult r = s.inject(InjectionRequest.of(t.pid(), code).withParams(Map.of("x", 1))
                    .withHypothesis("it says hi"), ProgressSink.NONE);
            assertThat(r.state()).isEqualTo("completed");
            QueuedInjection q = (QueuedInjection) events.get(0);
            assertThat(q.id()).isEqualTo(r.injectionId());
            assertThat(q.code()).isEqualTo(code);
            assertThat(q.sha256()).isEqualTo(InjectionService.sha256(code)).isEqualTo(r.sha256());
            assertThat(q.target().pid()).isEqualTo(t.pid());
            assertThat(q.target().runtime()).isEqualTo("cpython");
            assertThat(q.target().runtimeVersion()).startsWith("3.14.");
            assertThat(q.target().startTicks()).isPositive();
            assertThat(q.hypothesis()).isEqualTo("it says hi");
            assertThat(events.get(1)).isEqualTo(ApprovalDecision.approve("test"));
            assertThat(events.stream().filter(e -> e instanceof StatusChange).map(e -> ((StatusChange) e).to()))
                    .containsExactly(InjectionState.DELIVERED, InjectionState.RUNNING, InjectionState.COMPLETED);
            InjectionOutput o = (InjectionOutput) events.get(events.size() - 1);
            assertThat(new String(o.output(), StandardCharsets.UTF_8)).isEqualTo("hi 1\n");
            assertThat(o.sha256()).isEqualTo(InjectionService.sha256("hi 1\n".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aDeniedInjectionRunsNothingAndSaysWhy() {
        ProcFs proc = ProcFs.system();
        List<StatusChange> changes = Collections.synchronizedList(new ArrayList<>());
        try (InjectionService s = InjectionService.start(proc, List.of(new PythonInjector(proc)), new InjectionDirs(proc, journal));
             TestPythons.Target t = TestPythons.start("3.14", TARGET)) {
            s.setListener(new InjectionListener() {
                @Override
                public void statusChanged(StatusChange c) {
                    changes.add(c);
                }
            });
            s.setApprovalGate(q -> ApprovalDecision.deny("user", "not on a Friday"));
            assertThatThrownBy(() -> s.inject(InjectionRequest.of(t.pid(), "print(1)"), ProgressSink.NONE))
                    .isInstanceOfSatisfying(ThawException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.NOT_APPROVED);
                        assertThat(e.getMessage()).contains("not on a Friday");
                    });
            assertThat(changes).singleElement().satisfies(c -> assertThat(c.to()).isEqualTo(InjectionState.CANCELLED));
            assertThat(s.dirs().liveCount()).isZero();
            // the time a person takes to answer does not count against the wait
            s.setApprovalGate(q -> {
                try {
                    Thread.sleep(700);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ApprovalDecision.approve("slow person");
            });
            InjectionResult r = s.inject(InjectionRequest.of(t.pid(), "print(2)").withTimeout(Duration.ofMillis(500)),
                    ProgressSink.NONE);
            assertThat(r.state()).isEqualTo("completed");
        }
    }
}
