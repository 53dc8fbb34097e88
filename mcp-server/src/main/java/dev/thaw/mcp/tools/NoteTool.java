package dev.thaw.mcp.tools;

import dev.thaw.mcp.Schemas;
import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolOutcome;
import dev.thaw.session.SessionRecorder;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.Set;

/**
 * {@code note}: the assistant records a hypothesis, a finding or a conclusion in the session log, so
 * the postmortem shows the reasoning next to the evidence.
 */
public final class NoteTool implements ThawTool {

    static final Set<String> KINDS = Set.of("hypothesis", "finding", "conclusion");

    private final SessionRecorder recorder;

    public NoteTool(SessionRecorder recorder) {
        this.recorder = recorder;
    }

    /** What a note returns. */
    public record Recorded(boolean recorded, long seq, String kind, String session) {
    }

    @Override
    public McpSchema.Tool definition() {
        return McpSchema.Tool.builder("note", Schemas.load("note.input"))
                .title("Note")
                .description("Record your reasoning in the session log: a hypothesis before you test it, a finding "
                        + "when a tool shows something, a conclusion (cause and fix) at the end. `thaw replay` shows "
                        + "the notes next to the calls and their results, so the person reading the postmortem sees "
                        + "why each step was taken. Touches no process.")
                .outputSchema(Schemas.load("note.output"))
                // Read-only from the environment's point of view: it touches no process and changes
                // nothing but thaw's own log, so clients may allow it without asking.
                .annotations(McpSchema.ToolAnnotations.builder()
                        .title("Note").readOnlyHint(true).destructiveHint(false)
                        .idempotentHint(false).openWorldHint(false).build())
                .build();
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        String text = args.optionalString("text", null);
        if (text == null || text.isBlank()) {
            throw ToolArguments.invalid("text", "is required and must not be blank");
        }
        String kind = args.optionalString("kind", null);
        if (kind == null || !KINDS.contains(kind)) {
            throw ToolArguments.invalid("kind", "must be one of hypothesis, finding, conclusion");
        }
        long seq = recorder.note(kind, text.strip());
        Recorded r = new Recorded(true, seq, kind, recorder.log().stem());
        return new ToolOutcome(r, "Recorded " + kind + " #" + seq + " in session " + r.session() + ".",
                kind + ": " + (text.length() > 80 ? text.substring(0, 80) + "…" : text));
    }
}
