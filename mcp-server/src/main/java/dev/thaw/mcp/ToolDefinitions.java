package dev.thaw.mcp;

import io.modelcontextprotocol.spec.McpSchema;

/**
 * Builds tool definitions from the schemas under {@code /mcp/<name>.input.json} and
 * {@code /mcp/<name>.output.json}, with the annotations that tell a client how careful to be.
 */
public final class ToolDefinitions {

    private ToolDefinitions() {
    }

    /** A tool that only reads: clients may allow it without asking. */
    public static McpSchema.Tool readOnly(String name, String title, String description) {
        return readOnly(name, title, description, name + ".output");
    }

    /** A read-only tool whose output schema is shared with other faces (e.g. {@code /schemas/snapshot.schema.json}). */
    public static McpSchema.Tool readOnly(String name, String title, String description, String outputSchema) {
        return build(name, title, description, outputSchema, McpSchema.ToolAnnotations.builder()
                .title(title).readOnlyHint(true).destructiveHint(false).idempotentHint(true).openWorldHint(false).build());
    }

    /** A tool that changes a target (runs code in it): destructive and not idempotent. */
    public static McpSchema.Tool destructive(String name, String title, String description) {
        return build(name, title, description, name + ".output", McpSchema.ToolAnnotations.builder()
                .title(title).readOnlyHint(false).destructiveHint(true).idempotentHint(false).openWorldHint(false).build());
    }

    private static McpSchema.Tool build(String name, String title, String description, String outputSchema,
                                        McpSchema.ToolAnnotations annotations) {
        return McpSchema.Tool.builder(name, Schemas.load(name + ".input"))
                .title(title)
                .description(description)
                .outputSchema(Schemas.load(outputSchema))
                .annotations(annotations)
                .build();
    }
}
