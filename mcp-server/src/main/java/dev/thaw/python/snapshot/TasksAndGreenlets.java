package dev.thaw.python.snapshot;

import dev.thaw.proc.MapsParser;
import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.python.PythonCaches;
import dev.thaw.python.PythonMemory;
import dev.thaw.python.PythonStackReader;
import dev.thaw.proc.ProcessKey;
import dev.thaw.python.asyncio.AsyncioReader;
import dev.thaw.python.greenlet.GreenletReader;
import dev.thaw.snapshot.AsyncLoop;
import dev.thaw.snapshot.Greenlet;
import dev.thaw.snapshot.ThreadStack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adds to one sample of thread stacks what runs inside the threads: each thread's asyncio tasks
 * and greenlets. Neither can fail the snapshot: what cannot be read becomes a note.
 *
 * <p>Whether {@code _asyncio} and greenlet are loaded is learnt from {@code /proc/PID/maps}, which
 * costs about a millisecond in a process with many threads: a process known to have them is
 * remembered (modules are never unloaded), one without them is looked at again only after
 * {@link #RECHECK_NANOS}, so plain snapshots stay as fast as before.
 */
final class TasksAndGreenlets {

    private static final long RECHECK_NANOS = 2_000_000_000L;

    /** The sample with tasks and greenlets attached, and notes about what could not be read. */
    record Result(List<ThreadStack> threads, List<String> notes) {
    }

    private TasksAndGreenlets() {
    }

    static Result attach(PythonStackReader reader, List<ThreadStack> sample) {
        PythonMemory py = reader.pythonMemory();
        List<String> notes = new ArrayList<>();
        List<MemoryMap> maps = null;
        ProcessKey key = ProcessKey.of(py.procFs(), py.pid());
        byte[] image = PythonStackReader.execFingerprint(py.procFs(), py.pid(), py.mem());
        PythonCaches.LoadedExtras known = image == null ? null : reader.caches().loadedExtras().get(key);
        if (known != null && !java.util.Arrays.equals(known.image(), image)) {
            known = null;
        }
        boolean complete = known != null && known.asyncioSection() != null && known.greenlet();
        if (known == null || (!complete && System.nanoTime() - known.checkedAt() > RECHECK_NANOS)) {
            maps = MapsParser.read(py.procFs(), py.pid());
            Optional<Long> section = AsyncioReader.locate(py, maps);
            known = new PythonCaches.LoadedExtras(image, section.orElse(null), dev.thaw.python.greenlet.GreenletReader.loaded(maps),
                    System.nanoTime());
            if (image != null) {
                reader.caches().loadedExtras().put(key, known);
            }
        }
        Map<Long, AsyncLoop> loops = Map.of();
        Map<Long, List<Greenlet>> greenlets = Map.of();
        if (known.asyncioSection() != null) {
            try {
                AsyncioReader.Result a = new AsyncioReader(py).read(known.asyncioSection());
                loops = a.byThread();
                notes.addAll(a.notes());
            } catch (ProcessGoneException e) {
                throw e;
            } catch (RuntimeException e) { // a torn read, or anything a racing target made of our reads
                notes.add("asyncio tasks not shown: the task lists kept changing while thaw read them ("
                        + e.getMessage() + ")");
            }
        }
        if (known.greenlet()) {
            try {
                if (maps == null) {
                    maps = MapsParser.read(py.procFs(), py.pid()); // the scan needs the current mappings
                }
                GreenletReader.Result g = new GreenletReader(py).read(maps, reader.taskIds().ownPid(reader.pid()));
                greenlets = g.byThread();
                notes.addAll(g.notes());
            } catch (ProcessGoneException e) {
                throw e;
            } catch (RuntimeException e) {
                notes.add("greenlets not shown: they kept changing while thaw read them (" + e.getMessage() + ")");
            }
        }
        if (loops.isEmpty() && greenlets.isEmpty()) {
            return new Result(sample, notes);
        }
        List<ThreadStack> out = new ArrayList<>(sample.size());
        for (ThreadStack t : sample) {
            AsyncLoop loop = loops.get(t.thread().tid());
            List<Greenlet> gs = greenlets.get(t.thread().tid());
            out.add(loop == null && gs == null ? t
                    : new ThreadStack(t.thread().withConcurrency(loop, gs), t.frames()));
        }
        return new Result(out, notes);
    }
}
