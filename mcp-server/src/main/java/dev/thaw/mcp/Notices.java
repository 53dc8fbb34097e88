package dev.thaw.mcp;

import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP logging notifications for notable events (the session log's location, approval decisions).
 * They are a courtesy to the client: a failure to send one is logged and otherwise ignored.
 */
public final class Notices {

    private static final Logger LOG = LoggerFactory.getLogger(Notices.class);

    private Notices() {
    }

    public static void send(McpSyncServerExchange exchange, McpSchema.LoggingLevel level, String logger, String message) {
        if (exchange == null) {
            return;
        }
        try {
            exchange.loggingNotification(McpSchema.LoggingMessageNotification.builder(level, message)
                    .logger("thaw." + logger).build());
        } catch (RuntimeException e) {
            LOG.debug("could not send a logging notification: {}", e.toString());
        }
    }
}
