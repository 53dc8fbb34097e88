/**
 * The composition root: {@code Services} holds one instance of each operation (and the caches they
 * own), shared by the MCP tools and the CLI commands so that both faces run the same
 * implementation. May use the operations and engines below it ({@code process}, {@code inject},
 * {@code python}, {@code python.inject}, {@code jvm}, {@code jvm.attach}, {@code jvm.probe}, {@code
 * proc}) and the base. The table in docs/architecture.md is the rule, and ArchitectureTest enforces
 * it.
 */
package dev.thaw.app;
