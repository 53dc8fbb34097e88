/**
 * The vetted diagnostic scripts and probes shipped with thaw: their headers, parameters and
 * sources, turned into injection requests. May use {@code dev.thaw.inject} and the base. The table
 * in docs/architecture.md is the rule, and ArchitectureTest enforces it.
 */
package dev.thaw.catalog;
