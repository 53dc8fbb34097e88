package dev.thaw.snapshot;

import java.util.List;

/**
 * The asyncio tasks of one OS thread: the loop running on it (if any) and every pending task
 * registered from it (Python 3.14+ keeps one task list per thread).
 *
 * @param loop        the running loop's address, or null when no loop runs on the thread now
 * @param runningTask the id of the task the loop is running, or null
 * @param tasks       pending tasks, in creation order
 * @param cycles      await cycles among these tasks and the process's other tasks: each a list of
 *                    task ids where each awaits the next and the last awaits the first
 * @param complete    false when the task list kept changing while thaw read it
 */
public record AsyncLoop(String loop, String runningTask, List<AsyncTask> tasks, List<List<String>> cycles,
                        boolean complete) {
}
