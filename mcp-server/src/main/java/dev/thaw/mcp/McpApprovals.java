package dev.thaw.mcp;

import dev.thaw.session.RecordedApproval;
import dev.thaw.session.RecordedInjectionRequest;
import dev.thaw.session.approval.ApprovalPolicy;
import dev.thaw.session.approval.InjectionGate;
import io.modelcontextprotocol.server.McpSyncServerExchange;

import java.time.Duration;

/**
 * What an injecting tool calls before it touches a target: records the request, applies the server's
 * approval policy (asking the person through MCP elicitation when the policy says so) and records the
 * decision. Returns the approved decision or throws the refusal (a ThawException the dispatcher turns
 * into a tool error with the fix).
 */
public final class McpApprovals {

    private final InjectionGate gate;
    private final Duration timeout;

    public McpApprovals(InjectionGate gate, Duration timeout) {
        this.gate = gate;
        this.timeout = timeout;
    }

    public ApprovalPolicy policy() {
        return gate.policy();
    }

    /** The gate itself, for an engine adapter that records its own write-ahead record. */
    public InjectionGate gate() {
        return gate;
    }

    public Duration timeout() {
        return timeout;
    }

    public RecordedApproval admit(RecordedInjectionRequest request, McpSyncServerExchange exchange) {
        return gate.admit(request, new ElicitationApprover(exchange, timeout));
    }
}
