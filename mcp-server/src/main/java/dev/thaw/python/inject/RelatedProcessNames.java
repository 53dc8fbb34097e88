package dev.thaw.python.inject;

import dev.thaw.proc.ProcFs;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The processes a stuck one may be waiting for: its parent (unless it is init or thaw's own
 * ancestry root, pid 1) and its children ({@code /proc/PID/task/TID/children}, every thread's).
 * Named as {@code "parent 41 (gunicorn)"}, {@code "child 57 (python3.14)"}; at most a few.
 */
final class RelatedProcessNames {

    private static final int MAX = 6;

    private RelatedProcessNames() {
    }

    static List<String> of(ProcFs proc, int pid) {
        List<String> out = new ArrayList<>();
        try {
            int parent = proc.stat(pid).ppid();
            if (parent > 1) {
                out.add("parent " + parent + " (" + proc.stat(parent).comm() + ")");
            }
        } catch (RuntimeException e) {
            // gone or unreadable: nothing to name
        }
        Set<Integer> children = new LinkedHashSet<>();
        try {
            for (int tid : proc.tids(pid)) {
                for (String c : proc.readString(pid, "task/" + tid + "/children").trim().split("\\s+")) {
                    if (!c.isEmpty() && children.size() < MAX) {
                        children.add(Integer.parseInt(c));
                    }
                }
            }
        } catch (RuntimeException e) {
            // best effort
        }
        for (int c : children) {
            try {
                out.add("child " + c + " (" + proc.stat(c).comm() + ")");
            } catch (RuntimeException e) {
                // exited meanwhile
            }
        }
        return out;
    }
}
