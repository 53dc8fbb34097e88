package dev.thaw.inject;

/**
 * Where the time of an injection went, in milliseconds since the call (after approval). Target-side
 * points come from the target's CLOCK_MONOTONIC, the same clock as the server's, so they line up.
 *
 * @param armedMs     the target was armed (directory, payload and delivery done)
 * @param deliveredMs a thread picked the payload up, or null
 * @param runningMs   the script started, or null
 * @param endedMs     the script ended, or null
 * @param observedMs  thaw read the final status (before reading the output), or null
 */
public record Timings(Double armedMs, Double deliveredMs, Double runningMs, Double endedMs, Double observedMs) {
}
