package dev.thaw.python;

import dev.thaw.proc.MapsParser;
import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.python.asyncio.AsyncioReader;
import dev.thaw.python.greenlet.GreenletReader;
import dev.thaw.snapshot.AsyncLoop;
import dev.thaw.snapshot.Greenlet;
import dev.thaw.snapshot.ThreadStack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adds to one sample of thread stacks what runs inside the threads: each thread's asyncio tasks
 * and greenlets. Neither can fail the snapshot: what cannot be read becomes a note.
 */
final class TasksAndGreenlets {

    /** The sample with tasks and greenlets attached, and notes about what could not be read. */
    record Result(List<ThreadStack> threads, List<String> notes) {
    }

    private TasksAndGreenlets() {
    }

    static Result attach(PythonStackReader reader, List<ThreadStack> sample) {
        PythonMemory py = reader.pythonMemory();
        List<MemoryMap> maps = MapsParser.read(py.procFs(), py.pid());
        List<String> notes = new ArrayList<>();
        Map<Long, AsyncLoop> loops = Map.of();
        Map<Long, List<Greenlet>> greenlets = Map.of();
        try {
            AsyncioReader.Result a = new AsyncioReader(py).read(maps);
            loops = a.byThread();
            notes.addAll(a.notes());
        } catch (ProcessGoneException e) {
            throw e;
        } catch (RuntimeException e) { // a torn read, or anything a racing target made of our reads
            notes.add("asyncio tasks not shown: the task lists kept changing while thaw read them (" + e.getMessage()
                    + ")");
        }
        try {
            GreenletReader.Result g = new GreenletReader(py).read(maps, reader.taskIds().ownPid(reader.pid()));
            greenlets = g.byThread();
            notes.addAll(g.notes());
        } catch (ProcessGoneException e) {
            throw e;
        } catch (RuntimeException e) {
            notes.add("greenlets not shown: they kept changing while thaw read them (" + e.getMessage() + ")");
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
