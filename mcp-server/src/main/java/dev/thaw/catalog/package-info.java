/**
 * The vetted diagnostic scripts and probes shipped with thaw: their headers, parameters and
 * sources, turned into injection requests, and which of them apply to a process. May use {@code
 * dev.thaw.process}, {@code dev.thaw.inject}, {@code dev.thaw.proc} and the base. The table in
 * docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.catalog;
