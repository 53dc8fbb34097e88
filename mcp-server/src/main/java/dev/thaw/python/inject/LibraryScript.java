package dev.thaw.python.inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code lib.py}: the part of the payload that runs the script, the same for every injection. */
final class LibraryScript {

    private static final byte[] SOURCE = load();

    private LibraryScript() {
    }

    static byte[] source() {
        return SOURCE.clone();
    }

    private static byte[] load() {
        try (InputStream in = LibraryScript.class.getResourceAsStream("lib.py")) {
            if (in == null) {
                throw new IllegalStateException("lib.py missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
