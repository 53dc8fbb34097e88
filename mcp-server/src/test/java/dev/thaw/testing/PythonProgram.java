package dev.thaw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Python target program kept as a .py resource under {@code src/test/resources} (a directory per
 * area), with marker comments: the line that ends in {@code # THAW-MARK name} is {@code line("name")},
 * so a test names the line it means instead of counting lines.
 *
 * <p>Tests usually run {@link #text()} with {@code python -c}: the target's frames then say
 * {@code <string>} and their line numbers are this text's.
 */
public record PythonProgram(String name, String text) {

    private static final String MARK = "# THAW-MARK ";

    /** The resource at {@code path}, relative to the test resources' root, e.g. {@code python/stacks/blocked_in_c.py}. */
    public static PythonProgram of(String path) {
        try (InputStream in = PythonProgram.class.getResourceAsStream("/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no target program " + path);
            }
            return new PythonProgram(path, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The 1-based line carrying {@code # THAW-MARK marker}. */
    public int line(String marker) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith(MARK + marker)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no marker " + marker + " in " + name);
    }

    /** How many lines the program has: every line a frame of it can be at is in 1..lineCount(). */
    public int lineCount() {
        return (int) text.lines().count();
    }

    /** This program run after {@code prelude}, as one text: its markers are found at the lines the target runs them. */
    public PythonProgram after(PythonProgram prelude) {
        String head = prelude.text.endsWith("\n") ? prelude.text : prelude.text + "\n";
        return new PythonProgram(prelude.name + " + " + name, head + text);
    }
}
