package dev.thaw.jvm.diag;

import java.util.List;
import java.util.Map;

/**
 * The answer of {@code jvm_diagnostic} / {@code thaw jvm}: one agent-less diagnostic command.
 * Exactly one of {@code histogram}, {@code properties}, {@code flags}, {@code text} is set,
 * depending on the command.
 *
 * @param pid        the JVM
 * @param command    class_histogram, system_properties, vm_flags, vm_info or heap_info
 * @param jcmd       the diagnostic command thaw sent (what {@code jcmd PID ...} would run)
 * @param forcedGc   the command made the JVM run a full GC first (class_histogram with live=true)
 * @param histogram  class_histogram
 * @param properties system_properties, sorted by name
 * @param flags      vm_flags: the non-default flags, one {@code -XX:...} per entry
 * @param text       vm_info, heap_info: the JVM's own text
 * @param truncated  {@code text} was cut to {@link JvmDiagnostics#MAX_TEXT} characters
 * @param elapsedMs  time of the attach exchange
 */
public record JvmDiagnostic(int pid, String command, String jcmd, boolean forcedGc, ClassHistogram histogram,
                            Map<String, String> properties, List<String> flags, String text, Boolean truncated,
                            double elapsedMs) {
}
