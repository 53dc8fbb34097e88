package dev.thaw.replay.rerun;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.replay.InjectionHistory;
import dev.thaw.replay.SessionReplay;
import dev.thaw.session.RecordedInjectionRequest;
import dev.thaw.session.SessionRecorder;
import dev.thaw.session.RecordedTarget;
import dev.thaw.session.approval.Approver;
import dev.thaw.session.approval.InjectionGate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Re-runs a session's injections, in order, against a new process of the same runtime, each through
 * the approval gate (so the re-run is recorded in its own session log exactly like a live one), and
 * compares each output with the original's: the way to confirm that a fix changed what the
 * diagnostics see.
 */
public final class Rerun {

    private final InjectionGate gate;
    private final Approver approver;
    private final InjectionRunner runner;
    private final SessionRecorder recorder;

    public Rerun(InjectionGate gate, Approver approver, InjectionRunner runner, SessionRecorder recorder) {
        this.gate = gate;
        this.approver = approver;
        this.runner = runner;
        this.recorder = recorder;
    }

    public RerunReport run(SessionReplay replay, RecordedTarget target) {
        List<InjectionHistory> originals = replay.injections();
        check(replay, target);
        List<RerunReport.Item> items = new ArrayList<>();
        int n = 0;
        for (InjectionHistory h : originals) {
            n++;
            String what = h.isCatalogEntry() ? "catalog entry " + h.catalogId()
                    : "custom " + (h.language() == null ? "" : h.language() + " ") + "script";
            String skip = skipReason(h, target);
            if (skip != null) {
                items.add(new RerunReport.Item(h.id(), null, what, h.sha256(), h.finalStatus(), null,
                        RerunReport.Outcome.SKIPPED, skip));
                continue;
            }
            String id = "rerun-" + n + "-" + h.id();
            Map<String, Object> params = h.params() == null ? Map.of() : new LinkedHashMap<>(h.params());
            // A thread id means nothing in another process: such a choice falls back to "auto".
            String thread = h.thread() != null && h.thread().matches("\\d+") ? "auto" : h.thread();
            RecordedInjectionRequest request = RecordedInjectionRequest.of(id, target, h.language(), h.catalogId(), params, h.script(),
                    thread, h.mode(), h.timeoutS(), "re-run of " + h.id() + " from session " + replay.info().name());
            try {
                gate.admit(request, approver);
            } catch (ThawException refused) {
                items.add(new RerunReport.Item(h.id(), id, what, h.sha256(), h.finalStatus(), null,
                        RerunReport.Outcome.REFUSED, refused.getMessage()));
                continue;
            }
            InjectionRunner.Result result;
            try {
                result = runner.run(request);
            } catch (ThawException e) {
                result = new InjectionRunner.Result("failed", new byte[0], e.getMessage());
            }
            recorder.status(id, result.status(), result.detail() == null ? Map.of() : Map.of("detail", result.detail()));
            recorder.output(id, 0, result.output(), false);
            byte[] old = h.output() == null ? new byte[0] : h.output().data();
            OutputComparison.Result cmp = OutputComparison.compare(h.finalStatus(), old, result.status(), result.output());
            items.add(new RerunReport.Item(h.id(), id, what, h.sha256(), h.finalStatus(), result.status(),
                    RerunReport.Outcome.valueOf(cmp.verdict().name()), cmp.firstDifference()));
        }
        return new RerunReport(replay.file().toString(), target, gate.policy().cliName(),
                recorder.log().file().toString(), items);
    }

    /**
     * Refuses up front (before anything is recorded or asked) a re-run that cannot mean anything: the
     * very process the session diagnosed, or a session without injections.
     */
    public static void check(SessionReplay replay, RecordedTarget target) {
        List<InjectionHistory> originals = replay.injections();
        for (InjectionHistory h : originals) {
            if (h.target() != null && h.target().sameProcessAs(target)) {
                throw new ThawException(ErrorCode.RERUN_SAME_PROCESS, "pid " + target.pid() + " is the very process the session "
                        + "diagnosed (same pid and start time).",
                        "--rerun compares against a new process: restart the program (with the fix) and pass its pid.");
            }
        }
        if (originals.isEmpty()) {
            throw new ThawException(ErrorCode.RERUN_NOTHING, "The session has no injections to re-run.",
                    "Re-run a session in which scripts were injected (its Injections section is not empty).");
        }
    }

    private static String skipReason(InjectionHistory h, RecordedTarget target) {
        if (h.script() == null) {
            return "its script is not in the log";
        }
        if (!h.hashMatches()) {
            return "its recorded script does not match its recorded SHA-256; not re-run";
        }
        if (h.decision() == null || !h.decision().approved()) {
            return "it never ran in the original session (" + (h.decision() == null ? "no decision" : h.decision().how()) + ")";
        }
        if (h.target() != null && !Objects.equals(h.target().runtime(), target.runtime())) {
            return "it ran in a " + h.target().runtime() + " process; pid " + target.pid() + " runs " + target.runtime();
        }
        return null;
    }
}
