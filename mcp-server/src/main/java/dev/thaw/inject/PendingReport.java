package dev.thaw.inject;

import java.util.List;

/**
 * Why a delivery has not happened yet, and what would help.
 *
 * @param summary one sentence
 * @param threads the armed threads and what each waits on
 * @param advice  what the caller (or a person) can do, most useful first
 */
public record PendingReport(String summary, List<ArmedThread> threads, List<String> advice) {
}
