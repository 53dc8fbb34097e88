package dev.thaw.mcp.wiring;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.inject.ApprovalDecision;
import dev.thaw.inject.ApprovalGate;
import dev.thaw.inject.InjectionListener;
import dev.thaw.inject.InjectionOutput;
import dev.thaw.inject.QueuedInjection;
import dev.thaw.inject.StatusChange;
import dev.thaw.mcp.CurrentCall;
import dev.thaw.mcp.ElicitationApprover;
import dev.thaw.proc.ProcFs;
import dev.thaw.process.BootClock;
import dev.thaw.process.ProcessInfo;
import dev.thaw.session.InjectionJournal;
import dev.thaw.session.RecordedInjectionRequest;
import dev.thaw.session.RecordedTarget;
import dev.thaw.session.approval.InjectionGate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one adapter between the injection engine (dev.thaw.inject) and the session (dev.thaw.session):
 * the engine's listener events become session-log records, and its approval gate is the session's
 * policy, asking the client of the current tool call through MCP elicitation.
 *
 * <p>The engine ignores listener failures (a broken log must not break an injection); the write-ahead
 * rule says the opposite for the one record that matters, so the gate refuses an injection whose
 * queued record did not reach the log.
 */
public final class SessionInjectionBridge implements InjectionListener, ApprovalGate {

    private final InjectionJournal journal;
    private final InjectionGate gate;
    private final Duration elicitationTimeout;
    private final ProcFs proc;
    private final BootClock clock = new BootClock();
    /** Injections whose write-ahead record is on disk, until their output is recorded. */
    private final Map<String, RecordedInjectionRequest> recorded = new ConcurrentHashMap<>();

    public SessionInjectionBridge(InjectionJournal journal, InjectionGate gate, Duration elicitationTimeout, ProcFs proc) {
        this.journal = journal;
        this.gate = gate;
        this.elicitationTimeout = elicitationTimeout;
        this.proc = proc;
    }

    @Override
    public void queued(QueuedInjection q) {
        RecordedInjectionRequest r = request(q);
        journal.queued(r);
        recorded.put(q.id(), r);
    }

    @Override
    public ApprovalDecision review(QueuedInjection q) {
        RecordedInjectionRequest r = recorded.get(q.id());
        if (r == null) {
            throw new ThawException(ErrorCode.SESSION_LOG_UNWRITABLE, "Injection " + q.id() + " was not run: its script could not "
                    + "be recorded in the session log first, and nothing is injected that is not in the log.",
                    "Check free disk space and permissions of the session log directory (see thaw://sessions).");
        }
        dev.thaw.session.RecordedApproval d = gate.decide(r, new ElicitationApprover(CurrentCall.exchange(), elicitationTimeout));
        if (!d.approved()) {
            // The engine records nothing more and turns this into the tool error: our text has the fix.
            throw gate.refusal(r, d);
        }
        return ApprovalDecision.approve(d.how());
    }

    @Override
    public void approval(String id, ApprovalDecision decision) {
        // The session's gate already recorded its (richer) decision in review().
    }

    @Override
    public void statusChanged(StatusChange c) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("from", c.from() == null ? null : c.from().wire());
        if (c.detail() != null) {
            detail.put("detail", c.detail());
        }
        detail.values().removeIf(java.util.Objects::isNull);
        journal.status(c.id(), c.to().wire(), detail);
    }

    @Override
    public void output(InjectionOutput o) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("state", o.state().wire());
        if (o.droppedBytes() > 0) {
            detail.put("droppedBytes", o.droppedBytes());
        }
        if (o.error() != null) {
            detail.put("error", o.error());
        }
        if (o.traceback() != null) {
            detail.put("traceback", o.traceback());
        }
        journal.output(o.id(), 0, o.output(), o.truncated(), detail);
        recorded.remove(o.id());
    }

    private RecordedInjectionRequest request(QueuedInjection q) {
        dev.thaw.inject.TargetIdentity t = q.target();
        String command = null;
        try {
            command = proc.cmdline(t.pid());
            if (command.length() > ProcessInfo.MAX_COMMAND) {
                command = command.substring(0, ProcessInfo.MAX_COMMAND) + "…";
            }
        } catch (RuntimeException ignored) {
            // gone already: the identity still has pid, start time and executable
        }
        RecordedTarget target = new RecordedTarget(t.pid(), clock.toInstant(t.startTicks()).toString(), t.executable(),
                command, t.runtime(), t.runtimeVersion());
        String language = "hotspot".equals(t.runtime()) ? "java" : "python";
        int timeoutS = (int) Math.max(1, Math.ceil(q.timeoutMs() / 1000.0));
        return new RecordedInjectionRequest(q.id(), target, language, q.catalogId(), q.params(), q.code(), q.sha256(), q.thread(), q.mode(),
                timeoutS, q.hypothesis());
    }
}
