package dev.thaw.snapshot;

import java.util.List;

/**
 * What CPython's own objects say about one thread, read from memory. Absent (null) fields were
 * not read or could not be read: never an empty list standing in for "unknown".
 *
 * @param name        {@code threading.Thread.name} ({@code MainThread}, {@code ThreadPoolExecutor-0_1});
 *                    null when the thread has no Thread object (started with {@code _thread}, or
 *                    {@code threading} not imported)
 * @param threadClass the Thread object's class ({@code threading.Thread}, {@code threading._MainThread},
 *                    {@code threading._DummyThread}, an application subclass)
 * @param daemon      {@code Thread.daemon}
 * @param observation a telling disagreement between the Python thread and the OS thread, e.g. a
 *                    Thread's bootstrap running on the process's first OS thread (a child forked from
 *                    a worker thread); else null
 * @param waitsOn     for a blocked thread, innermost first: what the innermost frame's call blocks in
 *                    ({@code receiver}/{@code call}) and the objects of the enclosing methods
 *                    ({@code self}); null when not blocked or not found
 * @param locals      with {@code locals: true}: the locals of the innermost frames; else null
 * @param note        what could not be read for this thread (it changed while read); else null
 */
public record PythonThreadDetail(String name, String threadClass, Boolean daemon, String observation,
                                 List<WaitedObject> waitsOn, List<FrameLocals> locals, String note) {

    public PythonThreadDetail withLocals(List<FrameLocals> l) {
        return new PythonThreadDetail(name, threadClass, daemon, observation, waitsOn, l, note);
    }
}
