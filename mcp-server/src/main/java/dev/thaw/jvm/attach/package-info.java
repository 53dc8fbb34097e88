/**
 * The pure-Java HotSpot attach client: refuses at once what cannot work (asking {@code JvmProbe}),
 * starts the listener, speaks the protocol over the socket, one operation per JVM at a time. May
 * use {@code dev.thaw.jvm}, {@code dev.thaw.proc} and the base. The table in docs/architecture.md
 * is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.jvm.attach;
