package dev.thaw.mcp.tools;

import dev.thaw.catalog.Catalog;
import dev.thaw.catalog.ScriptSource;
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
import dev.thaw.mcp.view.InjectionModel;
import dev.thaw.mcp.view.ViewMap;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/** {@code inject_script}: run a catalog diagnostic or custom code inside a live process, on a thread that can actually run it. */
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
                .description("Run a catalog diagnostic (diagnostic + params; list_diagnostics) or custom code inside a live "
                        + "process: Python in CPython 3.14/3.15 (PEP 768 written by thaw: any thread, works when main is "
                        + "stuck), or language \"java\": a probe in a HotSpot JVM (JDK 8+). Catalog entries run under the "
                        + "default policy; custom code asks the user. Returns the state (completed, failed + traceback, "
                        + "timed_out, target_exited; undeliverable at once when no thread can run it in time, with what to do "
                        + "instead), the verdicts (kind, conclusion, evidence, fix) and the first 16 KiB of output "
                        + "(read_output pages the rest). Scripts run on their own thread; sys.exit is caught. Look first "
                        + "with snapshot. Java code: a dev.thaw.agent.Probe class or the body of run(Map<String,String> "
                        + "params, PrintWriter out), compiled for the JVM's release; never take application locks. Probe kit "
                        + "(docs/catalog.md): a Python script naming thaw_kit gets it, e.g. `for t in thaw_kit.threads(): "
                        + "out.write(str(thaw_kit.waiting_on(t)))` (describe, referrers, live_users, report; source "
                        + "thaw://catalog/kit/thaw_kit.py); Java: `Kit kit = Kit.forProbe(java.lang.invoke.MethodHandles"
                        + ".lookup()); out.println(kit.describe(Kit.blocker(t)));` (staticFields, classes, disassemble; "
                        + "dev.thaw.agent.Access opens JDK packages).")
                .outputSchema(Schemas.load("inject_script.output"))
                .annotations(McpSchema.ToolAnnotations.builder()
                        .title("Inject a script").readOnlyHint(false).destructiveHint(true)
                        .idempotentHint(false).openWorldHint(false).build())
                .build();
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        String code = args.optionalString("code", null);
        String diagnostic = args.optionalString("diagnostic", null);
        if ((code == null || code.isBlank()) == (diagnostic == null || diagnostic.isBlank())) {
            throw new dev.thaw.ThawException(dev.thaw.ErrorCode.INVALID_ARGUMENT, "Give exactly one of 'code' (a custom script) and "
                    + "'diagnostic' (a catalog entry id).", "Call list_diagnostics for the vetted entries; use code "
                    + "only when none answers the question.");
        }
        ScriptSource source = diagnostic != null && !diagnostic.isBlank()
                ? ScriptSource.diagnostic(Catalog.system(), diagnostic, params(args), args.optionalString("language", null))
                : ScriptSource.custom(code, params(args), args.optionalString("language", null));
        InjectionRequest request = source.request(args.requireInt("pid"),
                ThreadChoice.parse(args.has("thread") ? String.valueOf(args.raw().get("thread")) : null),
                InjectionMode.parse(args.optionalString("mode", null)),
                args.has("timeout_s") ? timeout(args) : null, args.optionalString("hypothesis", null),
                args.has("output_cap_bytes") ? args.requireInt("output_cap_bytes") : InjectionRequest.DEFAULT_OUTPUT_CAP);
        InjectionResult r = injections.inject(request, progress(context));
        if (args.optionalBoolean("detail", false)) {
            // the preview may end before the script's Verdicts section: lead with them then
            String verdicts = r.more() ? dev.thaw.inject.Verdicts.text(r.verdicts()) : "";
            return new ToolOutcome(r, verdicts + InjectionText.render(r), InjectionText.summary(r));
        }
        ViewMap view = InjectionModel.of(r);
        return new ToolOutcome(r, InjectionModel.text(view), InjectionText.summary(r), view);
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
