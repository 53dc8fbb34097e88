package dev.thaw.mcp;

import dev.thaw.session.ClientFacts;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;

/** What the client said about itself in the initialize handshake. */
public final class McpClients {

    private McpClients() {
    }

    public static ClientFacts facts(McpSyncServerExchange exchange) {
        if (exchange == null) {
            return ClientFacts.unknown();
        }
        McpSchema.Implementation info = exchange.getClientInfo();
        return new ClientFacts(info == null ? null : info.name(), info == null ? null : info.version(),
                supportsElicitation(exchange));
    }

    public static boolean supportsElicitation(McpSyncServerExchange exchange) {
        McpSchema.ClientCapabilities caps = exchange == null ? null : exchange.getClientCapabilities();
        return caps != null && caps.elicitation() != null;
    }
}
