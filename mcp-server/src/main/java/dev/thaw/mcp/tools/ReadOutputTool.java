package dev.thaw.mcp.tools;

import dev.thaw.inject.InjectionService;
import dev.thaw.inject.InjectionText;
import dev.thaw.inject.OutputPage;
import dev.thaw.mcp.Schemas;
import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolOutcome;
import dev.thaw.mcp.view.InjectionModel;
import dev.thaw.mcp.view.ViewMap;
import io.modelcontextprotocol.spec.McpSchema;

/** {@code read_output}: page through an injection's output, optionally waiting for it to end. */
public final class ReadOutputTool implements ThawTool {

    private final InjectionService injections;

    public ReadOutputTool(InjectionService injections) {
        this.injections = injections;
    }

    @Override
    public McpSchema.Tool definition() {
        return McpSchema.Tool.builder("read_output", Schemas.load("read_output.input"))
                .title("Read injection output")
                .description("Page through an injection's output (inject_script returns the first 16 KiB) from offset; with "
                        + "wait_s, first wait for a still-running script to end. Says when the output is complete or "
                        + "truncated, and how a failed script failed.")
                .outputSchema(Schemas.load("read_output.output"))
                .annotations(McpSchema.ToolAnnotations.builder()
                        .title("Read injection output").readOnlyHint(true).destructiveHint(false)
                        .idempotentHint(true).openWorldHint(false).build())
                .build();
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        String id = args.optionalString("injection_id", null);
        if (id == null || id.isBlank()) {
            throw ToolArguments.invalid("injection_id", "is required");
        }
        int offset = args.optionalInt("offset", 0);
        int max = args.optionalInt("max_bytes", InjectionService.PREVIEW_BYTES);
        OutputPage page = injections.readOutput(id.trim(), offset, max,
                InjectScriptTool.seconds(args, "wait_s", 0, 0, 600));
        ViewMap view = InjectionModel.page(page);
        return new ToolOutcome(page, InjectionModel.pageText(view), InjectionText.summary(page), view);
    }
}
