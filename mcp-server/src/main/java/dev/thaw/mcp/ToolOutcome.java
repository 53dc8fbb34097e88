package dev.thaw.mcp;

/**
 * What a tool produced.
 *
 * @param structured the full result (a record tree): what the session log keeps and the replay reads;
 *                   null when the call adds nothing to the log (a later page of a kept snapshot)
 * @param text       the compact text rendering, for clients that read text; it says the same facts as
 *                   {@code view}
 * @param summary    one line for the session log
 * @param view       what the model receives as {@code structuredContent}: Claude Code shows the model
 *                   only {@code JSON.stringify(structuredContent)} and drops the text, so this is the
 *                   answer itself — conclusions first, nothing repeated, bounded (see dev.thaw.mcp.view)
 */
public record ToolOutcome(Object structured, String text, String summary, Object view) {

    /** A result whose full form is also what the model reads (small results). */
    public ToolOutcome(Object structured, String text, String summary) {
        this(structured, text, summary, structured);
    }
}
