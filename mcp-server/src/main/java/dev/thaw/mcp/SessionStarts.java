package dev.thaw.mcp;

import dev.thaw.session.SessionRecorder;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * Writes session_start on the first request of any kind (tool call, resource read, prompt): only then
 * is the client's identity known. Tells the client where the log is, once.
 */
public final class SessionStarts {

    private SessionStarts() {
    }

    public static void begin(SessionRecorder recorder, McpSyncServerExchange exchange) {
        if (recorder == null || recorder.isStarted()) {
            return;
        }
        if (recorder.ensureStarted(McpClients.facts(exchange))) {
            Notices.send(exchange, McpSchema.LoggingLevel.INFO, "session", "thaw records this session in "
                    + recorder.log().file() + " (resource " + SessionResources.CURRENT + "; `thaw replay "
                    + recorder.log().stem() + "` renders it)");
        }
    }
}
