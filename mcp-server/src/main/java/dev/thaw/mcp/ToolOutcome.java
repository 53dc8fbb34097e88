package dev.thaw.mcp;

/**
 * What a tool produced: the structured result (a record tree, serialized to {@code structuredContent}),
 * the compact text rendering a model reads, and a one-line summary for the session log.
 */
public record ToolOutcome(Object structured, String text, String summary) {
}
