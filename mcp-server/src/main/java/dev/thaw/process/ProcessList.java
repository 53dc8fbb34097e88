package dev.thaw.process;

import java.util.List;

/**
 * The result of a listing.
 *
 * @param processes matching processes, by pid
 * @param scanned   how many /proc entries were examined
 * @param skipped   how many were left out for reasons other than the filters (kernel threads, processes
 *                  that exited during the scan)
 */
public record ProcessList(List<ProcessInfo> processes, int scanned, int skipped) {
}
