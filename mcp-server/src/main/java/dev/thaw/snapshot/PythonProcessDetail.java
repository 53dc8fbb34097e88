package dev.thaw.snapshot;

/**
 * Process-wide facts a CPython snapshot reads from memory beyond the stacks.
 *
 * @param modules  what the process has imported; null when {@code sys.modules} could not be read
 * @param source   the {@code source} option used: {@code none}, {@code line} or {@code context}
 * @param pausedMs with {@code consistent: true}: how long the target was stopped while thaw read it;
 *                 else null
 * @param pauseNote why the consistent read did not pause, or what it could not stop; else null
 */
public record PythonProcessDetail(LoadedModules modules, String source, Double pausedMs, String pauseNote) {
}
