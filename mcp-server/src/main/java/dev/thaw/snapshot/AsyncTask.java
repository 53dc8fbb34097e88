package dev.thaw.snapshot;

import java.util.List;

/**
 * One asyncio task of a loop, read from the target's memory.
 *
 * @param id         the task's address ({@code hex(id(task))}), the key {@code awaitedBy} refers to
 * @param name       {@code task.get_name()}: its own name, or {@code Task-N} when it was never named
 * @param running    it is the loop's current task (its frames are then the thread's stack)
 * @param stack      its coroutine chain, innermost first (the awaited coroutine first, the task's own
 *                   coroutine last); empty when it has not started
 * @param awaits     what the innermost coroutine waits on when it is not a coroutine (e.g. a Future,
 *                   {@code _GatheringFuture}); null when nothing or unknown
 * @param awaitedBy  ids of the tasks waiting for this one (await, gather, TaskGroup, wait, shield...)
 * @param complete   false when the task changed while thaw read it and what is shown is partial
 */
public record AsyncTask(String id, String name, boolean running, List<Frame> stack, String awaits,
                        List<String> awaitedBy, boolean complete) {
}
