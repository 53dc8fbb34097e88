# thaw-diagnostic
# {
#   "id": "py.threads",
#   "runtime": "cpython",
#   "title": "Thread objects, live and finished",
#   "question": "Which threading.Thread objects exist - the live ones with their targets and where they are, and the finished ones something still references (a worker that ended, maybe with an exception, while others wait for its work)?",
#   "params": {
#     "type": "object",
#     "properties": {
#       "max_threads": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100, "description": "threads listed, finished ones first"}
#     },
#     "additionalProperties": false
#   },
#   "mutating": false,
#   "cost": "one pass over gc.get_objects() and sys._current_frames(); takes no lock (threading.enumerate() would)"
# }
# is_alive() reads the thread's handle (no lock since 3.13). A finished thread's target is gone (Thread.run deletes it), so it is named by its name (CPython names a
# thread 'Thread-N (target)' by default), by the class whose run() it ran, and by who still holds it.
# Whether it died of an exception is not recorded on the object (threading.excepthook printed it to
# stderr, if the program kept the default hook): a thread that ended while others wait for something
# only it would produce is the usual shape of a lost wakeup, which py.lock_waiters judges.
import sys
import threading

P = params
objs = thaw_kit.instances(threading.Thread)
frames = sys._current_frames()
live, finished, unstarted = [], [], []
for t in objs:
    try:
        # is_alive(), not ident: a finished thread's ident is reused by the next thread
        if t.is_alive():
            live.append(t)
        elif getattr(t, "_started", None) is not None and t._started.is_set():
            finished.append(t)
        else:
            unstarted.append(t)
    except Exception:  # noqa: BLE001
        continue
hook = getattr(threading, "excepthook", None)
default_hook = getattr(threading, "__excepthook__", None)
out.write("%d threading.Thread object(s): %d alive, %d finished and still referenced, %d never started\n" % (
    len(objs), len(live), len(finished), len(unstarted)))
out.write("threading.excepthook: %s\n" % ("the default (prints the traceback to stderr)" if hook is default_hook
                                         else "REPLACED by %s" % thaw_kit._qualname(hook)))
shown = 0
if finished:
    out.write("\nFinished, still referenced:\n")
for t in finished:
    if shown >= P["max_threads"]:
        break
    shown += 1
    out.write("  %s\n" % thaw_kit.describe(t))
    for r in thaw_kit.referrers(t, 3, 4):
        out.write("      held by %s\n" % r)
if live:
    out.write("\nAlive:\n")
for t in live:
    if shown >= P["max_threads"]:
        break
    shown += 1
    out.write("  %s\n" % thaw_kit.describe(t))
    w = thaw_kit.waiting_on(t)
    f = frames.get(t.ident) if t.ident is not None else None
    if w is not None:
        out.write("      waits on %s, from %s\n" % (thaw_kit.describe(w[1]), thaw_kit.where(w[2])))
    elif f is not None:
        out.write("      at %s\n" % thaw_kit.where(f))
for t in unstarted[:max(0, P["max_threads"] - shown)]:
    out.write("  never started: %s\n" % thaw_kit.describe(t))
if len(objs) > P["max_threads"]:
    out.write("... %d more (max_threads)\n" % (len(objs) - P["max_threads"]))
if hook is not default_hook and hook is not None:
    code = getattr(hook, "__code__", None)
    names = set(getattr(code, "co_names", ()) or ())
    if code is not None and not names & {"print", "write", "print_exception", "format_exception", "error",
                                         "exception", "critical", "warning", "log", "excepthook", "__excepthook__"}:
        thaw_kit.verdict("swallowed-exception", "threading.excepthook is replaced by %s, which neither logs nor "
                         "prints: a thread that dies of an exception leaves no trace" % thaw_kit._qualname(hook),
                         ["its code calls none of print/write/log/format_exception (%s)"
                          % ("names used: " + ", ".join(sorted(names)[:10]) if names else "it uses no names at all")],
                         "log the exception in the hook (or call threading.__excepthook__(args))",
                         thaw_kit._qualname(hook))
thaw_kit.report(out, "the thread exception hook logs; finished threads are listed above for what they left undone")
