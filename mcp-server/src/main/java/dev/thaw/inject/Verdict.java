package dev.thaw.inject;

import java.util.List;

/**
 * One conclusion a diagnostic reached, as it printed it on its {@code @thaw-verdicts} line (see
 * {@link Verdicts}).
 *
 * @param kind       the class of problem, short and stable: {@code lost-wakeup}, {@code join-cannot-finish},
 *                   {@code unretrieved-exception}, {@code nothing-will-complete}, {@code captured-before-patching},
 *                   {@code pool-starvation}, {@code deadlock}, {@code pipe-deadlock}, ...
 * @param conclusion what it concludes, in one sentence
 * @param evidence   the facts it rests on, one per line
 * @param fix        the usual fix
 * @param subject    what it is about (a variable, a thread, a pool), or null
 */
public record Verdict(String kind, String conclusion, List<String> evidence, String fix, String subject) {
}
