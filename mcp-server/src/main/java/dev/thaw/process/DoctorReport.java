package dev.thaw.process;

import java.util.List;

/**
 * What {@code doctor} found: the environment, and for a pid everything that decides whether snapshot
 * and injection can work.
 *
 * @param target      the process, when a pid was given
 * @param canSnapshot whether reading stacks from outside can work (null without a pid)
 * @param canInject   whether injecting a script or probe can work (null without a pid)
 * @param verdict     one line: what works and what to fix first
 */
public record DoctorReport(List<Check> environment, ProcessInfo target, List<Check> targetChecks,
                           Boolean canSnapshot, Boolean canInject, String verdict) {
}
