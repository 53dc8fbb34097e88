package dev.thaw.snapshot;

/**
 * One frame of a stack, innermost first in every list.
 *
 * @param function the qualified function name ({@code Thread.run}; for Java {@code pkg.Class.method})
 * @param file     the source file as the runtime knows it
 * @param line     the line being executed, or null when the runtime has none for it
 * @param source   Python: the text of that line read from the process's own file, or why not; null
 *                 when not asked for ({@code source: none}) or not applicable
 */
public record Frame(String function, String file, Integer line, FrameSource source) {

    public Frame(String function, String file, Integer line) {
        this(function, file, line, null);
    }

    public Frame withSource(FrameSource s) {
        return new Frame(function, file, line, s);
    }

    /** {@code function (file:line)}, the way both renderers print a frame. */
    public String display() {
        return function + " (" + file + (line == null ? "" : ":" + line) + ")";
    }
}
