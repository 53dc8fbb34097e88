package dev.thaw.replay.rerun;

import dev.thaw.ErrorCode;
import dev.thaw.Json;
import dev.thaw.ThawException;
import dev.thaw.replay.LogReader;
import dev.thaw.replay.ReplayBuilder;
import dev.thaw.replay.SessionReplay;
import dev.thaw.session.RecordedApproval;
import dev.thaw.session.ClientFacts;
import dev.thaw.session.RecordedInjectionRequest;
import dev.thaw.session.SessionLog;
import dev.thaw.session.SessionRecorder;
import dev.thaw.session.RecordedTarget;
import dev.thaw.session.approval.ApprovalPolicy;
import dev.thaw.session.approval.Approver;
import dev.thaw.session.approval.InjectionGate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The re-run orchestration: order, policy, skips, recording and verdicts. The runner here stands in
 * for the injection engine (not in this branch): it answers with fixed outputs, as a fixed and an
 * unfixed program would; the end-to-end re-run against real processes needs the engine.
 */
class RerunTest {

    @TempDir
    Path dir;

    static final RecordedTarget OLD = new RecordedTarget(100, "2025-11-25T10:00:00Z", "/usr/bin/python3.14", "python3.14 app.py",
            "cpython", "3.14.0");
    static final RecordedTarget NEW = new RecordedTarget(200, "2025-11-25T11:00:00Z", "/usr/bin/python3.14", "python3.14 app.py",
            "cpython", "3.14.0");

    private SessionReplay original() {
        SessionRecorder rec = new SessionRecorder(SessionLog.open(dir.resolve("orig.jsonl")), Map.of("policy", "custom"));
        rec.ensureStarted(ClientFacts.unknown());
        ran(rec, "a", "print(find_deadlock())\n", "completed", "deadlock: worker-1 <-> worker-2 at 0x7f00aa\n");
        ran(rec, "b", "print(len(threads))\n", "completed", "threads: 3\n");
        RecordedInjectionRequest declined = RecordedInjectionRequest.of("c", OLD, "python", null, Map.of(), "import os\n", null, null, null, null);
        rec.queued(declined);
        rec.decided(new RecordedApproval("c", false, RecordedApproval.HOW_USER_DECLINED, "custom", null, 10L));
        rec.end("done");
        return ReplayBuilder.build(LogReader.read(rec.log().file()));
    }

    private static void ran(SessionRecorder rec, String id, String script, String status, String out) {
        rec.queued(RecordedInjectionRequest.of(id, OLD, "python", null, Map.of(), script, null, null, null, null));
        rec.decided(new RecordedApproval(id, true, RecordedApproval.HOW_AUTO, "auto", null, null));
        rec.status(id, status, Map.of());
        rec.output(id, 0, out.getBytes(StandardCharsets.UTF_8), false);
    }

    /** A target that answers like the program with the fix: no deadlock any more. */
    static InjectionRunner fixedProgram(List<String> ran) {
        return req -> {
            ran.add(req.script());
            String out = req.script().contains("find_deadlock") ? "no deadlock\n" : "threads: 3\n";
            return new InjectionRunner.Result("completed", out.getBytes(StandardCharsets.UTF_8), null);
        };
    }

    static Approver answering(boolean yes) {
        return new Approver() {
            @Override
            public String unavailableReason() {
                return null;
            }

            @Override
            public Answer ask(RecordedInjectionRequest request, String message) {
                return new Answer(yes, yes ? RecordedApproval.HOW_USER_ACCEPTED : RecordedApproval.HOW_USER_DECLINED, null, 1);
            }
        };
    }

    private SessionRecorder rerunLog() {
        SessionRecorder r = new SessionRecorder(SessionLog.open(dir.resolve("rerun.jsonl")), Map.of("policy", "auto"));
        r.ensureStarted(ClientFacts.unknown());
        return r;
    }

    @Test
    void aFixedProgramChangesTheDeadlockFindingOnly() throws Exception {
        List<String> ran = new ArrayList<>();
        SessionRecorder rec = rerunLog();
        RerunReport report = new Rerun(new InjectionGate(ApprovalPolicy.AUTO, rec), answering(false), fixedProgram(ran), rec)
                .run(original(), NEW);
        assertThat(ran).containsExactly("print(find_deadlock())\n", "print(len(threads))\n");
        assertThat(report.items()).extracting(RerunReport.Item::outcome)
                .containsExactly(RerunReport.Outcome.CHANGED, RerunReport.Outcome.SAME, RerunReport.Outcome.SKIPPED);
        assertThat(report.items().get(0).why()).contains("deadlock", "no deadlock");
        assertThat(report.items().get(2).why()).contains("never ran", "user_declined");
        assertThat(RerunText.render(report)).contains("CHANGED", "unchanged", "skipped", "1 injection(s) changed output.");
        // The re-run is itself recorded: write-ahead, decision, status, output for each injection.
        List<String> types = new ArrayList<>();
        for (String l : Files.readAllLines(rec.log().file())) {
            types.add(String.valueOf(Json.mapper().readValue(l, Map.class).get("type")));
        }
        assertThat(types).containsExactly("session_start", "injection_queued", "approval", "injection_status",
                "injection_output", "injection_queued", "approval", "injection_status", "injection_output");
    }

    @Test
    void theSamePolicyAppliesAndADeclineSkipsWithoutRunning() {
        List<String> ran = new ArrayList<>();
        SessionRecorder rec = rerunLog();
        RerunReport report = new Rerun(new InjectionGate(ApprovalPolicy.CUSTOM, rec), answering(false), fixedProgram(ran), rec)
                .run(original(), NEW);
        assertThat(ran).isEmpty();
        assertThat(report.items()).extracting(RerunReport.Item::outcome)
                .containsExactly(RerunReport.Outcome.REFUSED, RerunReport.Outcome.REFUSED, RerunReport.Outcome.SKIPPED);
    }

    @Test
    void theOriginalProcessOrAnotherRuntimeIsRefused() {
        SessionRecorder rec = rerunLog();
        Rerun rerun = new Rerun(new InjectionGate(ApprovalPolicy.AUTO, rec), answering(true), fixedProgram(new ArrayList<>()), rec);
        SessionReplay original = original();
        assertThatThrownBy(() -> rerun.run(original, OLD)).isInstanceOf(ThawException.class)
                .extracting(e -> ((ThawException) e).code()).isEqualTo(ErrorCode.RERUN_SAME_PROCESS);
        RecordedTarget jvm = new RecordedTarget(300, "2025-11-25T12:00:00Z", "/usr/bin/java", "java App", "hotspot", "17");
        assertThat(rerun.run(original, jvm).items()).allSatisfy(i ->
                assertThat(i.outcome()).isEqualTo(RerunReport.Outcome.SKIPPED));
    }
}
