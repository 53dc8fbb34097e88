/**
 * The MCP contract: {@code ThawTool}, arguments, outcomes, definitions and schemas, {@code
 * ToolDispatcher} (owns errors and logging), approvals asked by elicitation, session resources, the
 * prompt and stdin validation. Tools and the server's assembly sit above, in {@code mcp.tools} and
 * {@code mcp.wiring}. May use {@code dev.thaw.app}, {@code process}, {@code catalog}, {@code
 * session}, {@code session.approval}, {@code replay}, {@code report} and the base. The table in
 * docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.mcp;
