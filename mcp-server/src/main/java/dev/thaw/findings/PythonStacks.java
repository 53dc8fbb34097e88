package dev.thaw.findings;

import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.List;

/** What a Python stack's frames say about the thread: an event loop, a gevent hub, a greenlet, a pool worker. */
final class PythonStacks {

    private PythonStacks() {
    }

    static boolean has(List<Frame> frames, String function) {
        for (Frame f : frames) {
            if (function.equals(f.function())) {
                return true;
            }
        }
        return false;
    }

    static boolean innermostIs(List<Frame> frames, String... functions) {
        if (frames.isEmpty()) {
            return false;
        }
        for (String fn : functions) {
            if (fn.equals(frames.get(0).function())) {
                return true;
            }
        }
        return false;
    }

    static boolean fileEndsWith(Frame f, String suffix) {
        return f.file() != null && f.file().replace('\\', '/').endsWith(suffix);
    }

    /** A thread that runs an asyncio event loop (its run_forever or _run_once frame is on the stack). */
    static boolean eventLoopThread(List<Frame> frames) {
        for (Frame f : frames) {
            if (f.function() != null && (f.function().endsWith("EventLoop.run_forever") || f.function().endsWith("EventLoop._run_once"))
                    && fileEndsWith(f, "asyncio/base_events.py")) {
                return true;
            }
        }
        return false;
    }

    /** The event loop's own frame (_run_once), or -1. */
    static int runOnce(List<Frame> frames) {
        for (int i = 0; i < frames.size(); i++) {
            String fn = frames.get(i).function();
            if (fn != null && fn.endsWith("EventLoop._run_once")) {
                return i;
            }
        }
        return -1;
    }

    /** Waiting in a selector's select() called by an event loop or a server loop, with nothing ready. */
    static boolean inSelector(List<Frame> frames) {
        if (frames.isEmpty()) {
            return false;
        }
        Frame top = frames.get(0);
        boolean select = top.function() != null && top.function().endsWith(".select") && fileEndsWith(top, "selectors.py");
        if (select && frames.size() > 1) {
            String caller = frames.get(1).function();
            return caller != null && (caller.endsWith("EventLoop._run_once") || caller.endsWith("serve_forever")
                    || caller.endsWith("._run_once"));
        }
        return select;
    }

    /** gevent's hub waiting in its libev/libuv loop: nothing to run. */
    static boolean idleGeventHub(List<Frame> frames) {
        return !frames.isEmpty() && "Hub.run".equals(frames.get(0).function()) && fileEndsWith(frames.get(0), "gevent/hub.py");
    }

    /** A frame of gevent's own code. */
    static boolean gevent(Frame f) {
        return f.file() != null && f.file().contains("/gevent/");
    }

    /**
     * The OS thread runs a greenlet, not its own first Python frame: the outermost frame is a greenlet's
     * entry (gevent's Greenlet.run, or a patched Thread's bootstrap on the process's main thread, where a
     * real thread's bootstrap cannot be). A greenlet's frames end at its own first frame, so the hub's
     * frames are never under it.
     */
    static boolean runsGreenlet(ThreadSnapshot t, List<Frame> frames) {
        if (frames.isEmpty()) {
            return false;
        }
        Frame outer = frames.get(frames.size() - 1);
        if (geventThreadpoolWorker(frames)) {
            return false; // a native worker thread of gevent's threadpool: blocking there is its job
        }
        if (gevent(outer) && !"Hub.run".equals(outer.function())) {
            return true;
        }
        if (runningGreenletIsNotTheThreadsOwn(t)) {
            return true;
        }
        return t.main() && outer.function() != null && outer.function().startsWith("Thread._bootstrap");
    }

    /**
     * The greenlets read from memory say so directly: the one running on this thread is neither the
     * thread's main greenlet nor the hub, so the thread's stack is a greenlet's (even one whose entry
     * frame gevent's C code runs without a Python frame of its own).
     */
    static boolean runningGreenletIsNotTheThreadsOwn(ThreadSnapshot t) {
        if (t.greenlets() == null) {
            return false;
        }
        for (dev.thaw.snapshot.Greenlet g : t.greenlets()) {
            if ("running".equalsIgnoreCase(g.state())) {
                return !g.hub() && g.parent() != null;
            }
        }
        return false;
    }

    /** Waiting in queue.Queue.get (under it only threading's Condition.wait): a consumer waiting for work. */
    static boolean queueConsumer(List<Frame> frames) {
        for (Frame f : frames) {
            if (fileEndsWith(f, "/threading.py")) {
                continue;
            }
            return "Queue.get".equals(f.function()) && fileEndsWith(f, "/queue.py");
        }
        return false;
    }

    /** One of gevent's threadpool worker threads (real OS threads that run blocking calls off the hub). */
    static boolean geventThreadpoolWorker(List<Frame> frames) {
        for (Frame f : frames) {
            if (fileEndsWith(f, "gevent/threadpool.py")) {
                return true;
            }
        }
        return false;
    }

    /** A patched Thread running as a greenlet on the main OS thread: proof that threading was monkey-patched. */
    static boolean patchedThreadOnMain(ThreadSnapshot t, List<Frame> frames) {
        return t.main() && !frames.isEmpty() && frames.get(frames.size() - 1).function() != null
                && frames.get(frames.size() - 1).function().startsWith("Thread._bootstrap");
    }

    /** A concurrent.futures / multiprocessing pool worker waiting for work on a real thread. */
    static boolean idlePoolWorker(ThreadSnapshot t, List<Frame> frames) {
        if (runsGreenlet(t, frames)) {
            return false; // on the hub's thread a worker's blocking get freezes every greenlet
        }
        for (int i = 0; i < Math.min(frames.size(), 4); i++) {
            Frame f = frames.get(i);
            String fn = f.function();
            if (fn == null) {
                continue;
            }
            if ("_worker".equals(fn) && fileEndsWith(f, "concurrent/futures/thread.py")) {
                return true;
            }
            if ("worker".equals(fn) && fileEndsWith(f, "multiprocessing/pool.py")) {
                return true;
            }
            boolean plumbing = fileEndsWith(f, "/queue.py") || fileEndsWith(f, "/threading.py")
                    || fileEndsWith(f, "multiprocessing/queues.py") || fileEndsWith(f, "multiprocessing/connection.py");
            if (!plumbing) {
                return false;
            }
        }
        return false;
    }

    /**
     * What a blocked thread waits on, as a person would name it: the object another thread must notify,
     * set or fill (the Queue rather than its Condition), else the object its innermost call blocks in;
     * null when the reader found none.
     */
    static dev.thaw.snapshot.WaitedObject waitsOn(ThreadSnapshot t) {
        dev.thaw.snapshot.WaitedObject notify = LostWakeupRule.notifyObject(t);
        if (notify != null || t.python() == null || t.python().waitsOn() == null) {
            return notify;
        }
        for (dev.thaw.snapshot.WaitedObject w : t.python().waitsOn()) {
            if (!"call".equals(w.role()) && w.type() != null) {
                return w;
            }
        }
        return null;
    }

    /** {@code " on threading.Condition@0x…"}, or "" when the object is unknown. */
    static String onObject(ThreadSnapshot t) {
        dev.thaw.snapshot.WaitedObject w = waitsOn(t);
        return w == null ? "" : " on " + dev.thaw.snapshot.WaitedObjectText.brief(w);
    }

    /** The name of the asyncio task the loop on this thread is running, or null. */
    static String runningTask(ThreadSnapshot t) {
        if (t.asyncio() == null || t.asyncio().runningTask() == null || t.asyncio().tasks() == null) {
            return null;
        }
        for (dev.thaw.snapshot.AsyncTask task : t.asyncio().tasks()) {
            if (task.id().equals(t.asyncio().runningTask())) {
                return task.name();
            }
        }
        return null;
    }

    /** {@code function (file:line)} of the innermost frame, or "(no Python frames)". */
    static String where(List<Frame> frames) {
        return frames.isEmpty() ? "(no Python frames)" : short_(frames.get(0));
    }

    /** A frame with the file's last two path parts: {@code _worker (concurrent/futures/thread.py:90)}. */
    static String short_(Frame f) {
        String file = f.file() == null ? "?" : f.file().replace('\\', '/');
        int cut = file.lastIndexOf('/', file.lastIndexOf('/') - 1);
        if (cut >= 0 && file.indexOf('/') != file.lastIndexOf('/')) {
            file = file.substring(cut + 1);
        }
        return f.function() + " (" + file + (f.line() == null ? "" : ":" + f.line()) + ")";
    }

    /** Application code: neither gevent's, greenlet's nor the standard library's. */
    static boolean application(Frame f) {
        String file = f.file() == null ? "" : f.file();
        return !file.contains("/lib/python3") && !file.contains("/gevent/") && !file.contains("/greenlet/")
                && !file.startsWith("<frozen");
    }

    /** The innermost frame of application code (not the standard library, not gevent), or the innermost frame. */
    static Frame firstApplicationFrame(List<Frame> frames) {
        for (Frame f : frames) {
            String file = f.file() == null ? "" : f.file();
            if (!file.contains("/lib/python3") && !file.contains("/gevent/") && !file.startsWith("<frozen")) {
                return f;
            }
        }
        return frames.isEmpty() ? null : frames.get(0);
    }
}
