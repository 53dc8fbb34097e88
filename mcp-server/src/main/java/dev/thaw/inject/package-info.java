/**
 * The injection lifecycle shared by both runtimes: private directories, statuses, timeouts, output
 * paging, cleanup and one delivery per process at a time; a runtime plugs in as a {@code
 * RuntimeInjector}, the session as a listener and an approval gate. May use {@code dev.thaw.proc}
 * and the base only, so both runtimes and the session can build on it. The table in
 * docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.inject;
