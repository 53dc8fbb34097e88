# thaw-diagnostic
# {
#   "id": "py.thread_stacks",
#   "runtime": "cpython",
#   "title": "Thread stacks with locals",
#   "question": "Where is every Python thread, and (with locals) what values are its frames working on?",
#   "params": {
#     "type": "object",
#     "properties": {
#       "locals": {"type": "boolean", "default": false, "description": "show each frame's local variables"},
#       "max_threads": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100, "description": "threads listed (all are counted)"},
#       "max_frames": {"type": "integer", "minimum": 1, "maximum": 500, "default": 30, "description": "innermost frames per thread"},
#       "max_repr": {"type": "integer", "minimum": 10, "maximum": 2000, "default": 120, "description": "characters per value"},
#       "thread": {"type": "string", "description": "only threads whose name contains this text"}
#     },
#     "additionalProperties": false
#   },
#   "mutating": false,
#   "cost": "low: reads sys._current_frames(); with locals, a bounded repr() of each local (repr of an application object runs its __repr__)"
# }
# Values of names that look like secrets (password, token, key, ...) are masked; every repr is bounded
# (containers through reprlib, so a huge list is not rendered whole first) and guarded: a broken
# __repr__ shows as <ClassName instance at 0x...> (or <repr failed: ...>) instead of stopping the listing. A thread that ends while it
# is being read shows as such; the others are still listed. Takes no lock (not even threading's).
import re
import reprlib
import sys
import threading

SECRET = re.compile(r"pass|secret|token|api_?key|auth|cred|cookie|session|private", re.I)


def bounded_repr(value, limit):
    try:
        r = reprlib.Repr()
        r.maxstring = r.maxother = r.maxlong = limit
        r.maxlevel = 3
        text = r.repr(value)
    except BaseException as e:  # a target's __repr__ may raise anything
        return "<repr failed: %s>" % type(e).__name__
    return text if len(text) <= limit else text[:limit] + "…(%d chars)" % len(text)


def show_locals(frame, limit):
    try:
        items = list(frame.f_locals.items())
    except Exception as e:  # noqa: BLE001
        out.write("        <locals unreadable: %s>\n" % type(e).__name__)
        return
    for name, value in items:
        shown = "***" if SECRET.search(name) else bounded_repr(value, limit)
        out.write("        %s = %s\n" % (name, shown))


def show_thread(ident, frame, t, name):
    flags = []
    if t is not None and t.daemon:
        flags.append("daemon")
    if t is threading.main_thread():
        flags.append("main")
    out.write("Thread %s (ident %d, native id %s)%s\n" % (
        name, ident, getattr(t, "native_id", "?"), " [" + ", ".join(flags) + "]" if flags else ""))
    stack = []
    rest = frame
    while rest is not None and len(stack) < params["max_frames"]:
        stack.append(rest)
        rest = rest.f_back
    for f in stack:
        code = f.f_code
        out.write("    %s (%s:%d)\n" % (getattr(code, "co_qualname", code.co_name), code.co_filename, f.f_lineno))
        if params["locals"]:
            if f.f_locals is f.f_globals:
                out.write("        (module level: globals not shown)\n")
            else:
                show_locals(f, params["max_repr"])
    if rest is not None:
        out.write("    ... more frames (max_frames=%d)\n" % params["max_frames"])


real_ident = thaw_kit.real_ident   # under gevent, threading.get_ident() is a greenlet's id


try:
    names = dict(threading._active)   # a copy, without threading's _active_limbo_lock
except Exception:  # noqa: BLE001
    names = {}
me = real_ident()
frames = sys._current_frames()
wanted = params.get("thread")
shown = matching = 0
for ident, frame in frames.items():
    if ident == me:
        continue  # this diagnostic's own thread
    t = names.get(ident)
    name = t.name if t else "<not a threading.Thread>"
    if wanted and wanted not in name:
        continue
    matching += 1
    if shown >= params["max_threads"]:
        continue
    shown += 1
    try:
        show_thread(ident, frame, t, name)
    except Exception as e:  # noqa: BLE001 - the thread ended or its frames changed while read
        out.write("    <stopped reading this thread: %s: %s>\n" % (type(e).__name__, str(e)[:200]))
out.write("%d thread(s) shown of %d%s\n" % (shown, len(frames) - 1, "" if shown == matching else
          "; %d more not shown (max_threads=%d; thread=NAME picks some)" % (matching - shown, params["max_threads"])))

thaw_kit.report(out, "this diagnostic describes; it draws no conclusions (py.lock_waiters, py.asyncio_tasks, py.futures, py.thread_pools and the gevent entries do)")
