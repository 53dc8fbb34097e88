package dev.thaw.inject;

/**
 * Decides, before delivery, whether an injection may run. Called after
 * {@link InjectionListener#queued} on the caller's thread; it may block (a person answering an
 * MCP elicitation), and that time does not count against the injection's timeout.
 */
@FunctionalInterface
public interface ApprovalGate {

    ApprovalGate APPROVE_ALL = injection -> ApprovalDecision.approve("policy:auto");

    ApprovalDecision review(QueuedInjection injection);
}
