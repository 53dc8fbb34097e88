package dev.thaw.jvm;

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
        if (colon > 0 && colon < location.length() - 1 && location.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            try {
                return new Frame(method, location.substring(0, colon), Integer.parseInt(location.substring(colon + 1)));
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        return new Frame(method, location.isEmpty() ? "Unknown Source" : location, null);
    }
}
