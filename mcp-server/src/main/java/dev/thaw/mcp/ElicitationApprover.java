package dev.thaw.mcp;

import dev.thaw.session.RecordedApproval;
import dev.thaw.session.RecordedInjectionRequest;
import dev.thaw.session.approval.ApprovalWindows;
import dev.thaw.session.approval.Approver;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Asks the person at the MCP client through form elicitation: the prompt text plus one required
 * checkbox. Only "accept" with the box ticked approves; decline, cancel, an unticked box, a timeout or
 * any failure leaves the target untouched.
 */
public final class ElicitationApprover implements Approver {

    private static final Logger LOG = LoggerFactory.getLogger(ElicitationApprover.class);

    static final String FIELD = "confirm";
    /** How long the approval lasts for this process: this once, or custom scripts for N minutes. */
    static final String ALLOW = "allow";
    static final String ONCE = "this once";

    private final McpSyncServerExchange exchange;
    private final Duration timeout;

    public ElicitationApprover(McpSyncServerExchange exchange, Duration timeout) {
        this.exchange = exchange;
        this.timeout = timeout;
    }

    @Override
    public String unavailableReason() {
        if (exchange == null) {
            return "the call did not come through MCP";
        }
        if (!McpClients.supportsElicitation(exchange)) {
            return "the MCP client (" + McpClients.facts(exchange).label() + ") does not support elicitation, which thaw "
                    + "uses to ask for confirmation";
        }
        return null;
    }

    @Override
    public Answer ask(RecordedInjectionRequest request, String message) {
        String pid = request.target() == null ? "?" : Integer.toString(request.target().pid());
        List<String> choices = new java.util.ArrayList<>(List.of(ONCE));
        for (int m : ApprovalWindows.MINUTES) {
            choices.add(windowChoice(m));
        }
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        properties.put(FIELD, Map.of(
                "type", "boolean",
                "title", "Run it",
                "description", "Tick to run this " + request.describe() + " (sha256 "
                        + request.sha256().substring(0, 12) + "…) in pid " + pid));
        properties.put(ALLOW, Map.of(
                "type", "string",
                "title", "Allow",
                "description", "Run only this script, or also allow custom scripts for pid " + pid + " without asking "
                        + "for a while (each is still recorded in the session log)",
                "enum", choices,
                "default", ONCE));
        Map<String, Object> schema = Map.of(
                "type", "object",
                "properties", properties,
                "required", List.of(FIELD));
        long t0 = System.nanoTime();
        try {
            ElicitResult r = exchange.createElicitation(McpSchema.ElicitFormRequest.builder(message, schema).build());
            long waited = (System.nanoTime() - t0) / 1_000_000;
            String who = McpClients.facts(exchange).label();
            if (r == null || r.action() == null) {
                return new Answer(false, RecordedApproval.HOW_ASK_FAILED, "the client returned no answer", waited);
            }
            return switch (r.action()) {
                case ACCEPT -> r.content() != null && Boolean.TRUE.equals(r.content().get(FIELD))
                        ? new Answer(true, RecordedApproval.HOW_USER_ACCEPTED, "confirmed in " + who, waited,
                                window(r.content().get(ALLOW)))
                        : new Answer(false, RecordedApproval.HOW_USER_DECLINED, "accepted in " + who
                                + " without ticking '" + FIELD + "'", waited);
                case DECLINE -> new Answer(false, RecordedApproval.HOW_USER_DECLINED, "declined in " + who, waited);
                case CANCEL -> new Answer(false, RecordedApproval.HOW_USER_CANCELLED, "dismissed in " + who, waited);
            };
        } catch (RuntimeException e) {
            long waited = (System.nanoTime() - t0) / 1_000_000;
            if (causedByTimeout(e)) {
                return new Answer(false, RecordedApproval.HOW_TIMED_OUT, "no answer within " + human(timeout), waited);
            }
            LOG.warn("elicitation failed", e);
            return new Answer(false, RecordedApproval.HOW_ASK_FAILED, rootMessage(e), waited);
        }
    }

    static String windowChoice(int minutes) {
        return "custom scripts for this process for " + minutes + " min";
    }

    /** The window a person chose, or null for "this once" (or anything not offered). */
    static Duration window(Object choice) {
        for (int m : ApprovalWindows.MINUTES) {
            if (windowChoice(m).equals(choice)) {
                return Duration.ofMinutes(m);
            }
        }
        return null;
    }

    @Override
    public void announce(RecordedInjectionRequest request, RecordedApproval decision) {
        Notices.send(exchange, decision.approved() ? McpSchema.LoggingLevel.NOTICE : McpSchema.LoggingLevel.WARNING,
                "approval", "injection " + request.injectionId() + " (" + request.describe() + ", sha256 "
                        + request.sha256().substring(0, 12) + "…) into pid "
                        + (request.target() == null ? "?" : request.target().pid()) + ": "
                        + (decision.approved() ? "approved" : "refused") + " (" + decision.how() + ", policy "
                        + decision.policy() + ")");
    }

    private static boolean causedByTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    static String human(Duration d) {
        if (d.toSeconds() < 120) {
            return d.toSeconds() + " s";
        }
        return d.toMinutes() + " min";
    }
}
