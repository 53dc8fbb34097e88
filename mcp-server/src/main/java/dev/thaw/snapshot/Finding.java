package dev.thaw.snapshot;

import java.util.List;

/**
 * What a snapshot means, in one sentence a model or a person can act on: a rule's conclusion from the
 * facts the engines read. Findings lead every snapshot (structured and text). No finding is better
 * than a wrong one: a rule fires only on evidence, and says in {@code unchecked} what it could not see.
 *
 * @param kind       the rule that fired, e.g. {@code gevent_hub_blocked}, {@code pipe_deadlock}
 * @param summary    one sentence naming the threads, objects, functions and lines involved
 * @param confidence {@code high}, {@code medium} or {@code low}
 * @param evidence   the facts it rests on (thread ids, frames, objects, kernel facts), one short line each
 * @param fix        the usual fix for this pattern
 * @param next       exact tool calls that would confirm or deepen it, issuable verbatim
 * @param unchecked  facts the rule needed and could not read (lowers the confidence); empty when none
 */
public record Finding(String kind, String summary, String confidence, List<String> evidence, String fix,
                      List<NextCall> next, List<String> unchecked) {

    public Finding {
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
        next = next == null ? List.of() : List.copyOf(next);
        unchecked = unchecked == null ? List.of() : List.copyOf(unchecked);
    }
}
