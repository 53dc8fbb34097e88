package dev.thaw.python.asyncio;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Await cycles among tasks: A awaits B awaits ... awaits A never finishes. Each cycle is reported
 * once, starting at its lowest address, in await order (each task awaits the next).
 */
final class AwaitCycles {

    private AwaitCycles() {
    }

    /** @param awaitedBy for each task, the tasks that await it */
    static List<List<String>> find(Map<Long, List<Long>> awaitedBy) {
        Map<Long, List<Long>> awaits = new HashMap<>();
        awaitedBy.forEach((task, waiters) -> waiters.forEach(w -> awaits.computeIfAbsent(w, k -> new ArrayList<>())
                .add(task)));
        Set<String> seen = new LinkedHashSet<>();
        Set<Long> done = new java.util.HashSet<>();
        List<List<String>> out = new ArrayList<>();
        for (long start : awaits.keySet()) {
            walk(start, awaits, new ArrayList<>(), done, seen, out);
        }
        return out;
    }

    /** Depth-first; a task on the current path closes a cycle, a task fully explored is not walked again. */
    private static void walk(long at, Map<Long, List<Long>> awaits, List<Long> path, Set<Long> done, Set<String> seen,
                             List<List<String>> out) {
        int i = path.indexOf(at);
        if (i >= 0) {
            List<Long> cycle = new ArrayList<>(path.subList(i, path.size()));
            int min = cycle.indexOf(cycle.stream().min(Long::compareUnsigned).orElseThrow());
            List<String> ids = new ArrayList<>();
            for (int k = 0; k < cycle.size(); k++) {
                ids.add(AsyncioReader.hex(cycle.get((min + k) % cycle.size())));
            }
            if (seen.add(String.join(",", ids))) {
                out.add(ids);
            }
            return;
        }
        if (done.contains(at) || path.size() > 4096) {
            return;
        }
        path.add(at);
        for (long next : awaits.getOrDefault(at, List.of())) {
            walk(next, awaits, path, done, seen, out);
        }
        path.remove(path.size() - 1);
        done.add(at);
    }
}
