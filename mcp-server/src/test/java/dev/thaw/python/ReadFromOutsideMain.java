package dev.thaw.python;

import dev.thaw.ThawException;
import dev.thaw.python.snapshot.PythonSnapshotter;
import dev.thaw.snapshot.SnapshotRequest;

/**
 * Run in a child JVM with fewer privileges (see {@link PythonSnapshotterErrorsTest}): tries
 * identify() and snapshot() on a pid and reports on stderr, one line each:
 * {@code IDENTIFY <identity or empty or error code>} and {@code SNAPSHOT <ok or code>|<message>|<fix>}.
 */
public final class ReadFromOutsideMain {

    private ReadFromOutsideMain() {
    }

    public static void main(String[] args) {
        int pid = Integer.parseInt(args[0]);
        try {
            System.err.println("IDENTIFY " + PythonProbe.identify(pid).map(Object::toString).orElse("empty"));
        } catch (ThawException e) {
            System.err.println("IDENTIFY error " + e.wire());
        }
        try {
            PythonSnapshotter.snapshot(pid, SnapshotRequest.defaults());
            System.err.println("SNAPSHOT ok");
        } catch (ThawException e) {
            System.err.println("SNAPSHOT " + e.wire() + "|" + e.getMessage() + "|" + e.fix());
        }
    }
}
