package dev.thaw.inject;

import java.util.Map;

/**
 * The write-ahead record of an injection: everything needed to know exactly what will run where,
 * handed to {@link InjectionListener#queued} and {@link ApprovalGate} BEFORE anything is delivered.
 *
 * @param id         the injection id (what read_output takes)
 * @param target     the process, with its start time so a reused pid is never confused with it
 * @param code       the exact script text
 * @param sha256     hex SHA-256 of the UTF-8 bytes of {@code code}
 * @param params     the parameters the script receives
 * @param thread     {@code auto}, {@code main} or a TID
 * @param mode       {@code thread} or {@code inline}
 * @param timeoutMs  how long the caller waits
 * @param hypothesis the caller's stated reason, or null
 * @param queuedAt   ISO-8601 instant
 * @param catalogId  the catalog diagnostic the code is, or null for a custom script
 */
public record QueuedInjection(String id, TargetIdentity target, String code, String sha256, Map<String, Object> params,
                             String thread, String mode, long timeoutMs, String hypothesis, String queuedAt,
                              String catalogId) {
}
