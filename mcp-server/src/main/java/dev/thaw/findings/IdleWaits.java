package dev.thaw.findings;

import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.ThreadSnapshot;
import dev.thaw.snapshot.WaitClassifier;

import java.util.List;
import java.util.Set;

/**
 * The waits healthy programs sit in, told by the innermost frames (and the kernel's view): never a
 * hang's cause on their own. Each pattern names the framework function that does the waiting, not an
 * application's, so it holds for programs nobody here has seen.
 */
final class IdleWaits {

    /** Python: an event loop or selector waiting for readiness (asyncio, selectors, socketserver). */
    private static final Set<String> PY_SELECTOR_CALLERS = Set.of("BaseEventLoop._run_once", "BaseServer.serve_forever",
            "BaseSelectorEventLoop._run_once");
    private static final Set<String> SELECTOR_SYSCALLS = Set.of("epoll_wait", "epoll_pwait", "epoll_pwait2", "poll",
            "ppoll", "select", "pselect6", "accept", "accept4", "io_uring_enter");
    private IdleWaits() {
    }

    static boolean python(ThreadSnapshot t, List<Frame> frames) {
        String state = t.state();
        if (WaitClassifier.SLEEPING.equals(state) || WaitClassifier.TIMED_WAIT.equals(state)) {
            // A timed wait wakes by itself: a sleep loop, a poll with a timeout. An event loop's
            // thread in a timed call outside its selector is the event-loop rule's business.
            return !PythonStacks.eventLoopThread(frames) || PythonStacks.inSelector(frames);
        }
        if (frames.isEmpty()) {
            return false;
        }
        if (PythonStacks.inSelector(frames) && (t.syscall() == null || SELECTOR_SYSCALLS.contains(t.syscall()))) {
            return true;
        }
        if (PythonStacks.idleGeventHub(frames)) {
            return true;
        }
        if (PythonStacks.idlePoolWorker(t, frames)) {
            return true;
        }
        if (PythonStacks.geventThreadpoolWorker(frames)) {
            return true; // gevent's own native worker threads wait for tasks on their queue
        }
        // A consumer thread waiting for work on a queue.Queue (not on the hub's thread: there it freezes greenlets).
        if (!PythonStacks.runsGreenlet(t, frames) && PythonStacks.queueConsumer(frames)) {
            return true;
        }
        // A server blocked in accept() waits for clients.
        return ("accept".equals(t.syscall()) || "accept4".equals(t.syscall()))
                && PythonStacks.innermostIs(frames, "socket.accept", "socket._accept");
    }

    static boolean jvm(ThreadSnapshot t, List<Frame> frames) {
        if ("TIMED_WAITING".equals(t.state())) {
            return true;
        }
        for (int i = 0; i < Math.min(frames.size(), 12); i++) {
            String f = frames.get(i).function();
            if (f == null) {
                continue;
            }
            if (f.endsWith("ThreadPoolExecutor.getTask") || f.endsWith("ForkJoinPool.awaitWork")
                    || f.endsWith("ScheduledThreadPoolExecutor$DelayedWorkQueue.take")
                    || f.endsWith("java.util.TimerThread.mainLoop") || f.endsWith("ServerSocket.accept")
                    || f.endsWith("ServerSocketChannelImpl.accept") || f.endsWith("Net.accept")
                    || f.endsWith("EPoll.wait") || f.endsWith("EPollSelectorImpl.doSelect")
                    || f.endsWith("ReferenceQueue.remove") && i < 6
                    // a consumer waiting for work on a blocking queue: producers may be any thread, idle ones too
                    || f.endsWith("Queue.take") || f.endsWith("Deque.take") || f.endsWith("Deque.takeFirst")
                    || f.endsWith("Deque.takeLast") || f.endsWith("LinkedTransferQueue.xfer")) {
                return true;
            }
            if (!f.startsWith("java.") && !f.startsWith("jdk.") && !f.startsWith("sun.")) {
                return false; // application code is waiting: not a framework's idle wait
            }
        }
        return false;
    }

    /** Waiting for other threads to end: their groups carry the verdict. */
    static boolean joinsOthers(List<Frame> frames) {
        for (int i = 0; i < Math.min(frames.size(), 3); i++) {
            String f = frames.get(i).function();
            if (f != null && (f.endsWith("Thread.join") || f.endsWith("Thread._wait_for_tstate_lock")
                    || f.equals("_shutdown") || f.endsWith("ExecutorService.close")
                    || f.endsWith("ThreadPoolExecutor.awaitTermination"))) {
                return true;
            }
        }
        return false;
    }
}
