package dev.thaw.python;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A target program kept as a .py resource under {@code python/targets/}, with its marker comments. */
public record TargetSource(String name, String text) {

    public static TargetSource of(String name) {
        try (InputStream in = TargetSource.class.getResourceAsStream("/python/targets/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no target program " + name);
            }
            return new TargetSource(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The 1-based line carrying {@code # THAW-MARK marker}. */
    public int line(String marker) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("# THAW-MARK " + marker)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no marker " + marker + " in " + name);
    }
}
