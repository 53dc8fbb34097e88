/**
 * HotSpot seen from outside, without sending it anything: hsperfdata, the JVM's identity and attach
 * state ({@code JvmProbe}), and the thread-dump text parser with its wait-for graph. May use {@code
 * dev.thaw.proc} and the base; the attach client and everything that talks to a JVM sit above. The
 * table in docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.jvm;
