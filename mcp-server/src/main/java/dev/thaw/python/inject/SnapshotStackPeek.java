package dev.thaw.python.inject;

import dev.thaw.proc.ProcFs;
import dev.thaw.python.PyThreadStack;
import dev.thaw.python.PythonCaches;
import dev.thaw.python.PythonStackReader;
import dev.thaw.snapshot.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Top frames from the Python engine's stack reader (the same reading {@code snapshot} does): reads
 * memory only, never disturbs the target, and works on a thread blocked in C.
 */
public final class SnapshotStackPeek implements StackPeek {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStackPeek.class);

    private final ProcFs proc;
    private final PythonCaches caches;

    public SnapshotStackPeek(ProcFs proc, PythonCaches caches) {
        this.proc = proc;
        this.caches = caches;
    }

    @Override
    public Map<Long, List<String>> topFrames(int pid, Collection<Long> tids, int max) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        try (PythonStackReader reader = PythonStackReader.open(proc, pid, caches)) {
            for (PyThreadStack t : reader.read()) {
                if (tids.contains(t.tid())) {
                    out.put(t.tid(), t.frames().stream().limit(max).map(Frame::display).toList());
                }
            }
        } catch (RuntimeException e) {
            // Best effort: the report still has the kernel's view of each thread.
            LOG.debug("pid {}: no stacks for the pending report: {}", pid, e.toString());
        }
        return out;
    }
}
