package dev.thaw.jvm.probe;

import java.util.List;

/**
 * A probe that did not compile. Not a {@link dev.thaw.ThawException}: it is the probe's outcome
 * ({@code failed}, phase {@code compile}), reported like a script that fails, with the compiler's
 * own words and the caller's line numbers.
 *
 * @param summary   one line per error: {@code Probe.java:3:9: cannot find symbol (symbol: variable x)}
 * @param rendered  javac-style report with the source line and a caret under the column
 * @param errors    the errors
 */
public record CompileFailure(String summary, String rendered, List<Diagnostic> errors) {

    /**
     * @param line    the caller's line number (1-based), or 0 when the error has no position
     * @param column  1-based, or 0
     * @param message the compiler's message
     */
    public record Diagnostic(long line, long column, String message) {
    }

    /** Thrown by {@link ProbeCompiler#compile} to carry the failure out. */
    public static final class Exception extends RuntimeException {
        private final transient CompileFailure failure;

        Exception(CompileFailure failure) {
            super(failure.summary(), null, false, false);
            this.failure = failure;
        }

        public CompileFailure failure() {
            return failure;
        }
    }
}
