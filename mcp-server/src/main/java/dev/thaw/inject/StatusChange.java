package dev.thaw.inject;

/**
 * One transition of an injection's state.
 *
 * @param id     the injection
 * @param from   the previous state
 * @param to     the new state
 * @param at     ISO-8601 instant (server clock)
 * @param detail why, in a sentence (e.g. which thread picked it up), or null
 */
public record StatusChange(String id, InjectionState from, InjectionState to, String at, String detail) {
}
