package dev.thaw.jvm.snapshot;

import dev.thaw.jvm.JvmFrame;
import dev.thaw.snapshot.Frame;

/** Java stack frames in the runtime-neutral form of snapshots. */
final class JvmFrames {

    private JvmFrames() {
    }

    static Frame of(JvmFrame f) {
        return of(f.qualifiedMethod(), f.location());
    }

    /** @param location {@code File.java:12}, {@code Native Method}, {@code Unknown Source} */
    static Frame of(String method, String location) {
        int colon = location.lastIndexOf(':');
        if (colon > 0 && colon < location.length() - 1 && digitsAfter(location, colon + 1)) {
            try {
                return new Frame(method, location.substring(0, colon), Integer.parseInt(location.substring(colon + 1)));
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        return new Frame(method, location.isEmpty() ? "Unknown Source" : location, null);
    }

    private static boolean digitsAfter(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
