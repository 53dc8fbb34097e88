/**
 * The append-only session log and the records it keeps: what was called, which process an injection
 * went into ({@code RecordedTarget}), the write-ahead request ({@code RecordedInjectionRequest})
 * and how it was approved ({@code RecordedApproval}). May use {@code dev.thaw.process} and the
 * base. The table in docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.session;
