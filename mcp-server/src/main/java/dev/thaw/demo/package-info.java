/**
 * {@code thaw demo}: starts a real hung scenario and drives the real MCP server (this jar, over the
 * SDK's client) as an assistant would, then checks what the outputs proved against the scenario's
 * answer key. Talks to thaw only over MCP, so it may use nothing but the base. The table in
 * docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.demo;
