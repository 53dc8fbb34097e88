package dev.thaw.mcp;

import dev.thaw.ErrorCode;
import dev.thaw.Json;
import dev.thaw.ThawException;
import dev.thaw.session.SessionRecorder;
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

    private final SessionRecorder recorder;

    public ToolDispatcher(SessionRecorder recorder) {
        this.recorder = recorder;
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
        long call;
        try {
            // Written before the tool runs: a crash mid-call still leaves the call in the log, and
            // nothing runs that could not be recorded.
            SessionStarts.begin(recorder, context.exchange());
            call = recorder == null ? 0 : recorder.toolCallStarted(name, request.arguments());
        } catch (ThawException e) {
            LOG.error("session log unwritable, refusing {}: {}", name, e.getMessage());
            return error(e.code(), e.getMessage() + " Nothing was done.", e.fix());
        }
        CallToolResult result;
        String summary;
        SessionRecorder.ToolError error = null;
        Object logged = null;
        try {
            ToolOutcome outcome = CurrentCall.with(context.exchange(),
                    () -> tool.call(new ToolArguments(request.arguments()), context));
            // The log keeps the full record (the replay reads it); the model receives the view.
            logged = outcome.structured();
            result = CallToolResult.builder()
                    .structuredContent(Json.toMap(outcome.view()))
                    .addTextContent(outcome.text())
                    .isError(false)
                    .build();
            summary = outcome.summary();
        } catch (ThawException e) {
            summary = e.getMessage();
            error = new SessionRecorder.ToolError(e.wire(), e.getMessage(), e.fix());
            result = error(e.code(), e.getMessage(), e.fix());
        } catch (RuntimeException | Error e) {
            // A bug of ours: the details go to the log file, the caller gets a clear statement. Errors
            // too (a stack overflow on a deep structure, a class that failed to load): let through, the
            // call would stay open in the session log and the client would get no tool result.
            LOG.error("tool {} failed unexpectedly", name, e);
            summary = "internal error: " + e;
            error = new SessionRecorder.ToolError(ErrorCode.INTERNAL_ERROR.wire(), summary, null);
            result = error(ErrorCode.INTERNAL_ERROR, "thaw hit an internal error running " + name + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ".",
                    "This is a bug in thaw; the server log (see `thaw --help`) has the details. Other tools keep working.");
        }
        long micros = (System.nanoTime() - started) / 1000;
        if (recorder != null) {
            try {
                recorder.toolCallFinished(call, name, request.arguments(), summary, error, logged, micros);
            } catch (ThawException e) {
                LOG.error("session log unwritable after {}: {}", name, e.getMessage());
                return error(e.code(), name + " ran, but its result could not be recorded: " + e.getMessage(), e.fix());
            }
        }
        return result;
    }

    static CallToolResult error(ErrorCode code, String message, String fix) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code.wire());
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
