package dev.thaw.testing;

import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolExtension;
import dev.thaw.mcp.ToolOutcome;
import dev.thaw.process.ProcessInfo;
import dev.thaw.session.RecordedApproval;
import dev.thaw.session.RecordedInjectionRequest;
import dev.thaw.session.RecordedTarget;
import io.modelcontextprotocol.spec.McpSchema;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only tool {@code test_gate_probe}, loaded into the real server when the test classes are on
 * its class path: it takes an injection request for a real process through the real approval gate
 * (write-ahead record, policy, MCP elicitation, decision record) exactly as inject_script will, but
 * delivers nothing. After an approval it records the status changes and the output it is given, as
 * the injection engine's listener would. It exists because the injection engine is built on another
 * branch; once inject_script is merged, the same tests can drive it instead.
 */
public final class GateProbeExtension implements ToolExtension {

    @Override
    public List<ThawTool> tools(Context context) {
        return List.of(new Probe(context));
    }

    /** What the probe returns. */
    public record Result(String injectionId, boolean approved, String how, String status, String sha256) {
    }

    static final class Probe implements ThawTool {
        private final Context ctx;
        private final AtomicInteger ids = new AtomicInteger();

        Probe(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public McpSchema.Tool definition() {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("pid", Map.of("type", "integer", "minimum", 1));
            props.put("code", Map.of("type", "string"));
            props.put("catalog_id", Map.of("type", "string"));
            props.put("params", Map.of("type", "object"));
            props.put("output", Map.of("type", "string"));
            props.put("status", Map.of("type", "string"));
            props.put("hypothesis", Map.of("type", "string"));
            return McpSchema.Tool.builder("test_gate_probe", Map.of("type", "object", "properties", props,
                            "required", List.of("pid", "code")))
                    .description("TEST ONLY: takes a script through thaw's approval gate for a real process and records "
                            + "what inject_script would, without injecting anything.")
                    .outputSchema(Map.of("type", "object"))
                    .annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(false).destructiveHint(true)
                            .idempotentHint(false).openWorldHint(false).build())
                    .build();
        }

        @Override
        @SuppressWarnings("unchecked")
        public ToolOutcome call(ToolArguments args, ToolContext context) {
            int pid = args.requireInt("pid");
            ProcessInfo info = ctx.services().lister().describe(pid);
            RecordedTarget target = RecordedTarget.of(info, ctx.services().proc().exe(pid).orElse(null));
            Map<String, Object> params = args.raw().get("params") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            String id = "probe-" + ids.incrementAndGet();
            RecordedInjectionRequest request = RecordedInjectionRequest.of(id, target, "python", args.optionalString("catalog_id", null),
                    params, args.optionalString("code", ""), "auto", "thread", 5, args.optionalString("hypothesis", null));
            RecordedApproval d = ctx.approvals().admit(request, context.exchange());
            String status = args.optionalString("status", "completed");
            ctx.recorder().status(id, "delivered", Map.of());
            ctx.recorder().status(id, status, Map.of());
            String out = args.optionalString("output", null);
            if (out != null) {
                ctx.recorder().output(id, 0, out.getBytes(StandardCharsets.UTF_8), false);
            }
            Result r = new Result(id, d.approved(), d.how(), status, request.sha256());
            return new ToolOutcome(r, id + ": " + d.how() + ", " + status, id + " " + d.how());
        }
    }
}
