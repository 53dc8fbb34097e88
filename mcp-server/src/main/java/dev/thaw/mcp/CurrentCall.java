package dev.thaw.mcp;

import io.modelcontextprotocol.server.McpSyncServerExchange;

import java.util.function.Supplier;

/**
 * The MCP exchange of the tool call running on this thread. Layers below the MCP face get called
 * back on the caller's thread without the exchange (e.g. the injection engine's approval gate), yet
 * the approval must be asked of this very client: this is how the session side finds it.
 */
public final class CurrentCall {

    private static final ThreadLocal<McpSyncServerExchange> EXCHANGE = new ThreadLocal<>();

    private CurrentCall() {
    }

    /** Runs {@code body} with {@code exchange} as the current call's exchange. */
    public static <T> T with(McpSyncServerExchange exchange, Supplier<T> body) {
        McpSyncServerExchange previous = EXCHANGE.get();
        EXCHANGE.set(exchange);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                EXCHANGE.remove();
            } else {
                EXCHANGE.set(previous);
            }
        }
    }

    /** The exchange of the call on this thread, or null outside a tool call. */
    public static McpSyncServerExchange exchange() {
        return EXCHANGE.get();
    }
}
