package dev.thaw.mcp;

import dev.thaw.Json;
import dev.thaw.ThawException;
import dev.thaw.session.SessionLog;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wraps a {@link ThawTool} for the SDK: runs it, turns refusals into tool errors that explain the
 * cause and the fix (never a stack trace), and appends the call to the session log before the reply
 * leaves the server.
 */
public final class ToolDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ToolDispatcher.class);

    private final SessionLog log;

    public ToolDispatcher(SessionLog log) {
        this.log = log;
    }

    public SyncToolSpecification specification(ThawTool tool) {
        return SyncToolSpecification.builder()
                .tool(tool.definition())
                .callHandler((exchange, request) -> dispatch(tool, new ToolContext(exchange, request.progressToken()), request))
                .build();
    }

    CallToolResult dispatch(ThawTool tool, ToolContext context, CallToolRequest request) {
        String name = tool.definition().name();
        long started = System.nanoTime();
        CallToolResult result;
        String summary;
        String errorCode = null;
        try {
            ToolOutcome outcome = tool.call(new ToolArguments(request.arguments()), context);
            result = CallToolResult.builder()
                    .structuredContent(Json.toMap(outcome.structured()))
                    .addTextContent(outcome.text())
                    .isError(false)
                    .build();
            summary = outcome.summary();
        } catch (ThawException e) {
            errorCode = e.code();
            summary = e.getMessage();
            result = error(e.code(), e.getMessage(), e.fix());
        } catch (RuntimeException e) {
            // A bug of ours: the details go to the log file, the caller gets a clear statement.
            LOG.error("tool {} failed unexpectedly", name, e);
            errorCode = "internal_error";
            summary = "internal error: " + e;
            result = error("internal_error", "thaw hit an internal error running " + name + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ".",
                    "This is a bug in thaw; the server log (see `thaw --help`) has the details. Other tools keep working.");
        }
        long micros = (System.nanoTime() - started) / 1000;
        record(name, request.arguments(), summary, errorCode, micros);
        return result;
    }

    private void record(String tool, Map<String, Object> arguments, String summary, String errorCode, long micros) {
        if (log == null) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("tool", tool);
        fields.put("arguments", arguments == null ? Map.of() : arguments);
        fields.put("summary", summary);
        if (errorCode != null) {
            fields.put("error", errorCode);
        }
        fields.put("durationMs", micros / 1000.0);
        log.append("tool_call", fields);
    }

    static CallToolResult error(String code, String message, String fix) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code);
        err.put("message", message);
        if (fix != null) {
            err.put("fix", fix);
        }
        String text = fix == null ? message : message + "\nFix: " + fix;
        return CallToolResult.builder()
                .addTextContent(text)
                .structuredContent(Map.of("error", err))
                .isError(true)
                .build();
    }
}
