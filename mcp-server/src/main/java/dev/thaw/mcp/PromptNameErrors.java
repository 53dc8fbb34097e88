package dev.thaw.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * Teaches a wrong prompt name: the SDK answers {@code prompts/get} for an unknown name with a bare
 * "Invalid prompt name" and offers no hook, so this transport wrapper rewrites that one error on its
 * way out to name the prompts that exist. Everything else passes through untouched.
 */
public final class PromptNameErrors implements McpServerTransportProvider {

    static final String SDK_MESSAGE = "Invalid prompt name";

    private final McpServerTransportProvider inner;
    private final List<String> names;

    private PromptNameErrors(McpServerTransportProvider inner, List<String> names) {
        this.inner = inner;
        this.names = List.copyOf(names);
    }

    public static McpServerTransportProvider around(McpServerTransportProvider inner, List<String> promptNames) {
        return new PromptNameErrors(inner, promptNames);
    }

    /** The error a client gets instead of the SDK's, or the message unchanged. */
    McpSchema.JSONRPCMessage rewrite(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCResponse r && r.error() != null && SDK_MESSAGE.equals(r.error().message())) {
            String asked = r.error().data() == null ? "" : " (" + r.error().data() + ")";
            return McpSchema.JSONRPCResponse.error(r.id(), new McpSchema.JSONRPCResponse.JSONRPCError(r.error().code(),
                    "Unknown prompt" + asked + ". Valid prompt names: " + String.join(", ", names)
                            + ". Fix: call prompts/get with one of them (see prompts/list).", r.error().data()));
        }
        return message;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
        inner.setSessionFactory(transport -> factory.create(new Rewriting(transport)));
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return inner.notifyClients(method, params);
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        return inner.notifyClient(sessionId, method, params);
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return inner.closeGracefully();
    }

    @Override
    public List<String> protocolVersions() {
        return inner.protocolVersions();
    }

    private final class Rewriting implements McpServerTransport {
        private final McpServerTransport transport;

        Rewriting(McpServerTransport transport) {
            this.transport = transport;
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return transport.sendMessage(rewrite(message));
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return transport.unmarshalFrom(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return transport.closeGracefully();
        }

        @Override
        public void close() {
            transport.close();
        }

        @Override
        public List<String> protocolVersions() {
            return transport.protocolVersions();
        }
    }
}
