package dev.thaw.mcp.tools;

import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.InjectionText;
import dev.thaw.inject.ProgressSink;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.mcp.Schemas;
import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolOutcome;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/** {@code inject_script}: run Python inside a live process, on a thread that can actually run it. */
public final class InjectScriptTool implements ThawTool {

    private static final Logger LOG = LoggerFactory.getLogger(InjectScriptTool.class);

    private final InjectionService injections;

    public InjectScriptTool(InjectionService injections) {
        this.injections = injections;
    }

    @Override
    public McpSchema.Tool definition() {
        return McpSchema.Tool.builder("inject_script", Schemas.load("inject_script.input"))
                .title("Inject a script")
                .description("Run Python code inside a live CPython 3.14/3.15 process (PEP 768, written by thaw itself: "
                        + "no Python needed beside the server, any thread can be chosen, works when the main thread is "
                        + "stuck or gone). Waits up to timeout_s and returns the state (completed, failed with the "
                        + "traceback, timed_out, target_exited; while undelivered: what the armed threads wait on and "
                        + "what would help) and the first 16 KiB of output; page the rest with read_output. The script "
                        + "runs on its own thread by default and cannot stop the target (sys.exit is caught). Look "
                        + "first with snapshot; inject when memory alone cannot answer.")
                .outputSchema(Schemas.load("inject_script.output"))
                .annotations(McpSchema.ToolAnnotations.builder()
                        .title("Inject a script").readOnlyHint(false).destructiveHint(true)
                        .idempotentHint(false).openWorldHint(false).build())
                .build();
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        InjectionRequest request = new InjectionRequest(args.requireInt("pid"), requireString(args, "code"),
                params(args), ThreadChoice.parse(args.has("thread") ? String.valueOf(args.raw().get("thread")) : null),
                InjectionMode.parse(args.optionalString("mode", null)), timeout(args),
                args.optionalString("hypothesis", null),
                args.has("output_cap_bytes") ? args.requireInt("output_cap_bytes") : InjectionRequest.DEFAULT_OUTPUT_CAP);
        InjectionResult r = injections.inject(request, progress(context));
        return new ToolOutcome(r, InjectionText.render(r), InjectionText.summary(r));
    }

    /** MCP progress notifications while waiting, when the client asked for them (a progress token). */
    static ProgressSink progress(ToolContext context) {
        if (context == null || context.exchange() == null || context.progressToken() == null) {
            return ProgressSink.NONE;
        }
        return (elapsedMs, timeoutMs, message) -> {
            try {
                context.exchange().progressNotification(McpSchema.ProgressNotification
                        .builder(context.progressToken(), Math.round(elapsedMs) / 1000.0)
                        .total(Math.round(timeoutMs) / 1000.0).message(message).build());
            } catch (RuntimeException e) {
                LOG.debug("progress notification failed: {}", e.toString());
            }
        };
    }

    private static String requireString(ToolArguments args, String name) {
        String s = args.optionalString(name, null);
        if (s == null || s.isBlank()) {
            throw ToolArguments.invalid(name, "is required");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> params(ToolArguments args) {
        Object p = args.raw().get("params");
        if (p == null) {
            return Map.of();
        }
        if (p instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw ToolArguments.invalid("params", "must be a JSON object");
    }

    static Duration seconds(ToolArguments args, String name, double fallback, double min, double max) {
        Object v = args.raw().get(name);
        double s = fallback;
        if (v instanceof Number n) {
            s = n.doubleValue();
        } else if (v instanceof String str) {
            try {
                s = Double.parseDouble(str.trim());
            } catch (NumberFormatException e) {
                throw ToolArguments.invalid(name, "must be a number of seconds");
            }
        } else if (v != null) {
            throw ToolArguments.invalid(name, "must be a number of seconds");
        }
        if (!(s >= min && s <= max)) {
            throw ToolArguments.invalid(name, "must be between " + min + " and " + max);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }

    private static Duration timeout(ToolArguments args) {
        return seconds(args, "timeout_s", InjectionRequest.DEFAULT_TIMEOUT.toSeconds(), 0.1, 3600);
    }
}
