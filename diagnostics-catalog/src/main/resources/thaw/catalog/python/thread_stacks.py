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
# and guarded, so a broken __repr__ shows as <repr failed: ...> instead of stopping the listing.
import re
import sys
import threading
import traceback

SECRET = re.compile(r"pass|secret|token|api_?key|auth|cred|cookie|session|private", re.I)


def bounded_repr(value, limit):
    try:
        text = repr(value)
    except BaseException as e:  # a target's __repr__ may raise anything
        return "<repr failed: %s>" % type(e).__name__
    return text if len(text) <= limit else text[:limit] + "…(%d chars)" % len(text)


def show_locals(frame, limit):
    for name, value in list(frame.f_locals.items()):
        shown = "***" if SECRET.search(name) else bounded_repr(value, limit)
        out.write("        %s = %s\n" % (name, shown))


names = {t.ident: t for t in threading.enumerate()}
me = threading.get_ident()
frames = sys._current_frames()
wanted = params.get("thread")
shown = 0
for ident, frame in frames.items():
    if ident == me:
        continue  # this diagnostic's own thread
    t = names.get(ident)
    name = t.name if t else "<not a threading.Thread>"
    if wanted and wanted not in name:
        continue
    shown += 1
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
out.write("%d thread(s) shown of %d\n" % (shown, len(frames) - 1))
