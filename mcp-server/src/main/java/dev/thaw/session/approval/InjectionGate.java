package dev.thaw.session.approval;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.session.RecordedApproval;
import dev.thaw.session.InjectionJournal;
import dev.thaw.session.RecordedInjectionRequest;

/**
 * The one door every injection passes before it touches a target: records the request (write-ahead),
 * applies the approval policy (asking a person when it says so), records the decision, and refuses
 * with an explanation and a fix when the answer is no.
 */
public final class InjectionGate {

    private final ApprovalPolicy policy;
    private final InjectionJournal journal;
    private final ApprovalWindows windows;

    public InjectionGate(ApprovalPolicy policy, InjectionJournal journal) {
        this(policy, journal, new ApprovalWindows());
    }

    InjectionGate(ApprovalPolicy policy, InjectionJournal journal, ApprovalWindows windows) {
        this.policy = policy;
        this.journal = journal;
        this.windows = windows;
    }

    public ApprovalPolicy policy() {
        return policy;
    }

    /**
     * Returns the (approved) decision, or throws the refusal. Either way the request and the decision
     * are in the log before this returns.
     */
    public RecordedApproval admit(RecordedInjectionRequest request, Approver approver) {
        journal.queued(request);
        RecordedApproval decision = decide(request, approver);
        if (!decision.approved()) {
            throw refusal(request, decision);
        }
        return decision;
    }

    /**
     * For an engine that records the write-ahead record itself (through its own listener): applies the
     * policy, records the decision and returns it, approved or not. The caller refuses with
     * {@link #refusal} when it is not approved.
     */
    public RecordedApproval decide(RecordedInjectionRequest request, Approver approver) {
        RecordedApproval decision = apply(request, approver);
        journal.decided(decision);
        approver.announce(request, decision);
        return decision;
    }

    private RecordedApproval apply(RecordedInjectionRequest request, Approver approver) {
        String id = request.injectionId();
        String p = policy.cliName();
        switch (policy.requirement(request)) {
            case RUN:
                return new RecordedApproval(id, true,
                        policy == ApprovalPolicy.AUTO ? RecordedApproval.HOW_AUTO : RecordedApproval.HOW_CATALOG, p,
                        null, null);
            case REFUSE:
                return new RecordedApproval(id, false, RecordedApproval.HOW_DENIED_BY_POLICY, p,
                        "custom scripts are refused under --approve " + p, null);
            default:
                ApprovalWindows.Window w = windows.active(request.target());
                if (w != null) {
                    // The person allowed custom scripts for this process for a while: recorded as such, with the grant.
                    return new RecordedApproval(id, true, RecordedApproval.HOW_USER_WINDOW, p, "custom scripts allowed for pid "
                            + request.target().pid() + " until " + w.until() + " (granted with " + w.grantedBy() + "); "
                            + ScriptEffects.summary(request.script(), request.language()), 0L);
                }
                String unavailable = approver.unavailableReason();
                if (unavailable != null) {
                    return new RecordedApproval(id, false, RecordedApproval.HOW_NO_WAY_TO_ASK, p, unavailable, null);
                }
                Approver.Answer a = approver.ask(request, ApprovalPrompt.message(request, policy));
                String detail = a.detail();
                if (a.approved() && a.allowFor() != null && !a.allowFor().isZero() && request.target() != null) {
                    java.time.Instant until = windows.allow(request.target(), a.allowFor(), id);
                    detail = (detail == null ? "" : detail + "; ") + "and allowed custom scripts for pid "
                            + request.target().pid() + " for " + a.allowFor().toMinutes() + " min (until " + until + ")";
                }
                return new RecordedApproval(id, a.approved(), a.how(), p, detail, a.waitedMs());
        }
    }

    /** The refusal for a decision that is not an approval: what was not done, why, and how to change it. */
    public ThawException refusal(RecordedInjectionRequest r, RecordedApproval d) {
        String what = "The " + r.describe() + " (sha256 " + r.sha256().substring(0, 12) + "…) was not injected into "
                + (r.target() == null ? "the target" : "pid " + r.target().pid());
        String change = "To change the policy, restart the server with another --approve value (auto, custom, always, "
                + "deny-custom), e.g. edit the `thaw serve` command in your MCP client's configuration.";
        return switch (d.how()) {
            case RecordedApproval.HOW_DENIED_BY_POLICY -> new ThawException(ErrorCode.CUSTOM_SCRIPT_REFUSED,
                    what + ": the server runs with --approve deny-custom, under which only catalog diagnostics run.",
                    "Use a catalog diagnostic (list_diagnostics) for this question. " + change);
            case RecordedApproval.HOW_NO_WAY_TO_ASK -> new ThawException(ErrorCode.APPROVAL_UNAVAILABLE,
                    what + ": under --approve " + d.policy() + " (" + policy.meaning() + ") it needs the user's "
                            + "confirmation, and nobody can be asked: " + d.detail() + ".",
                    (r.isCatalogEntry() ? "" : "Use a catalog diagnostic (list_diagnostics), which runs without asking under "
                            + "--approve custom; or ")
                            + "use an MCP client that supports elicitation; or restart the server with --approve auto "
                            + "(nobody is asked; every script is still recorded in the session log). " + change);
            case RecordedApproval.HOW_TIMED_OUT -> new ThawException(ErrorCode.APPROVAL_TIMED_OUT,
                    what + ": nobody answered the confirmation request in time (" + d.detail() + ").",
                    "Ask again when the user is present, or restart the server with a longer --elicitation-timeout.");
            case RecordedApproval.HOW_ASK_FAILED -> new ThawException(ErrorCode.APPROVAL_FAILED,
                    what + ": asking the user for confirmation failed (" + d.detail() + ").",
                    "Try again; if it keeps failing, the client's elicitation support is broken. " + change);
            default -> new ThawException(ErrorCode.APPROVAL_DECLINED,
                    what + ": the user " + (RecordedApproval.HOW_USER_CANCELLED.equals(d.how()) ? "cancelled" : "declined")
                            + " the confirmation" + (d.detail() == null ? "" : " (" + d.detail() + ")") + ".",
                    "Do not retry the same script unasked: tell the user what you want to learn and why, or look without "
                            + "touching (snapshot) instead.");
        };
    }
}
