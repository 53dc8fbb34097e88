# thaw_kit: the probe kit, a small library every injected Python script that names `thaw_kit` gets
# as a ready module in its namespace (no import needed). thaw puts this text, as one string, in front
# of such a script, with its version and sha256 in a comment; this file is that text.
#
# Contract of every function here:
# - read-only: no lock is taken (a queue is measured by its deque, not qsize()), no callback is added,
#   no asyncio Future's exception() is called (it would mark the exception as retrieved), no hub is
#   created, nothing of the target is imported that it had not imported;
# - never raises into the caller for an object of an unexpected type: it answers with what it could
#   read (an attribute that raises shows as <unreadable: Type>);
# - bounded: walks over gc.get_objects() stop at a limit, strings are cut.
#
#   thaw_kit.describe(obj)            'Condition `jobs_ready` (2 waiter(s), lock unlocked)' and friends
#   thaw_kit.source(obj_or_frame, 2)  the source lines around a frame, function, code, thread or task
#   thaw_kit.referrers(obj, depth=1)  who holds obj: 'global __main__.q', 'local q of consume (thread w-1)'
#   thaw_kit.threads()                live threads: [Thread(name, ident, native_id, frame, thread)]
#   thaw_kit.tasks()                  every asyncio Task, done or not, that the gc can see
#   thaw_kit.greenlets()              every greenlet (gevent or bare) that the gc can see
#   thaw_kit.instances(cls)           every object of a class that the gc can see
#   thaw_kit.waiting_on(thread)       (kind, object, frame) of what a thread/greenlet/task waits on, or None
#   thaw_kit.safe(fn, *args)         fn(*args), or '<ExceptionType>' when it raises
#   thaw_kit.name(obj)                module globals bound to obj ('__main__.jobs_ready'), or ''
#   thaw_kit.local_name(obj)          live frames' locals bound to obj ('q (local of consume, thread w-1)')
#   thaw_kit.live_users(obj, skip)    live threads/tasks/greenlets whose stacks can still act on obj
#   thaw_kit.in_loop(frame)           whether a frame waits inside a loop (a predicate loop)
#   thaw_kit.with_blocks(frame)       (text, object, line) of the `with` blocks a frame is inside of
#   thaw_kit.entering_with(frame)     (text, object) of the `with` statement a frame waits to enter, or None
#   thaw_kit.line_objects(frame)      (text, object, method) of the name chains on a frame's current line
#   thaw_kit.verdict(kind, conclusion, evidence, fix, subject=None), thaw_kit.report(out)
#                                     record conclusions; report() prints them as text and as the
#                                     '@thaw-verdicts {json}' line thaw parses into structured verdicts
import gc
import sys

VERSION = "1"
MARKER = "@thaw-verdicts "
MAX_OBJECTS = 2_000_000
MAX_JUDGED = 50
JUDGE_SECONDS = 5
_verdicts = []
_notes = []
_census = {}


def _safe(fn, *args, default=None):
    try:
        return fn(*args)
    except Exception:  # noqa: BLE001
        return default


def safe(fn, *args):
    """fn(*args), or '<ExceptionType>' when it raises: for values printed as they are read."""
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001
        return "<%s>" % type(e).__name__


def _guarded(default):
    """A public kit function never raises into the script: on an object it cannot read it answers
    `default` (an application __getattr__/__eq__/__repr__ may raise anything)."""
    def wrap(fn):
        def guarded(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception:  # noqa: BLE001
                return default() if callable(default) else default
        guarded.__name__ = fn.__name__
        guarded.__qualname__ = fn.__qualname__
        guarded.__doc__ = fn.__doc__
        return guarded
    return wrap


def _attr(obj, name, default=None):
    try:
        return getattr(obj, name)
    except Exception:  # noqa: BLE001
        return default


def short(value, limit=100):
    """A bounded repr that never raises (an application __repr__ may)."""
    try:
        import reprlib
        r = reprlib.Repr()
        r.maxstring = limit
        r.maxother = limit
        text = r.repr(value)
    except Exception:  # noqa: BLE001
        text = "<%s instance at %s>" % (_safe(lambda: type(value).__name__, default="?"), hex(id(value)))
    return text if len(text) <= limit else text[:limit] + "..."


def _module_of(obj):
    return _safe(lambda: type(obj).__module__, default="") or ""


def _tname(obj):
    return _safe(lambda: type(obj).__qualname__, default="?") or "?"


def real_ident():
    """This OS thread's ident (gevent's original get_ident when monkey-patched)."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None:
        got = _safe(lambda: monkey.get_original("_thread", "get_ident")())
        if got is not None:
            return got
    import _thread
    return _thread.get_ident()


# ---------------------------------------------------------------- where things are

@_guarded("<frame unreadable>")
def where(frame):
    """'func (file:line)' of a frame."""
    try:
        code = frame.f_code
        return "%s (%s:%s)" % (getattr(code, "co_qualname", code.co_name), code.co_filename, frame.f_lineno)
    except Exception as e:  # noqa: BLE001
        return "<frame unreadable: %s>" % type(e).__name__


def _code_and_line(obj):
    """(code, line) for a frame, traceback, function, method, code, class, thread, task, coroutine, greenlet."""
    for _ in range(4):
        if obj is None:
            return None, None
        if hasattr(obj, "tb_frame"):
            return obj.tb_frame.f_code, obj.tb_lineno
        if hasattr(obj, "f_code") and hasattr(obj, "f_lineno"):
            return obj.f_code, obj.f_lineno
        if hasattr(obj, "co_filename"):
            return obj, obj.co_firstlineno
        if hasattr(obj, "__func__"):
            obj = obj.__func__
            continue
        if hasattr(obj, "__code__"):
            return obj.__code__, obj.__code__.co_firstlineno
        if hasattr(obj, "get_coro"):          # asyncio Task
            coro = _safe(obj.get_coro)
            fr = _attr(coro, "cr_frame")
            obj = fr if fr is not None else _attr(coro, "cr_code")
            continue
        if hasattr(obj, "cr_code"):
            obj = _attr(obj, "cr_frame") or obj.cr_code
            continue
        if hasattr(obj, "gr_frame"):
            obj = _attr(obj, "gr_frame") or _attr(obj, "run")
            continue
        if hasattr(obj, "_target") or hasattr(obj, "ident"):   # Thread: its target, else its run
            obj = _attr(obj, "_target") or _attr(type(obj), "run")
            continue
        if isinstance(obj, type):
            init = _attr(obj, "__init__")
            obj = init if hasattr(init, "__code__") else None
            continue
        return None, None
    return None, None


@_guarded("<no source: unreadable>")
def source(obj, context=2):
    """The source lines around obj's current line (a frame) or its first line (a function, code, class,
    thread's target, task's coroutine), marked '>', or a one-line reason when there is no source
    (code from `python -c` or a string has none)."""
    try:
        code, line = _code_and_line(obj)
        if code is None:
            return "<no source: %s has no code>" % _tname(obj)
        import linecache
        filename = code.co_filename
        lines = []
        context = max(0, min(int(context), 50))
        for n in range(max(1, line - context), line + context + 1):
            text = linecache.getline(filename, n)
            if text:
                lines.append("%s %5d  %s" % (">" if n == line else " ", n, text.rstrip()))
        if not lines:
            return "<no source for %s:%s>" % (filename, line)
        return "%s:%s\n%s" % (filename, line, "\n".join(lines))
    except Exception as e:  # noqa: BLE001
        return "<no source: %s>" % type(e).__name__


# ---------------------------------------------------------------- names and referrers

@_guarded("")
def name(obj, limit=3):
    """Module globals bound to obj, e.g. '__main__.jobs_ready' (application modules first), or ''."""
    found = []
    try:
        for modname, mod in list(sys.modules.items()):
            d = _safe(lambda: object.__getattribute__(mod, "__dict__"))
            if not isinstance(d, dict):
                continue
            for k, v in list(d.items()):
                if v is obj:
                    found.append("%s.%s" % (modname, k))
                    break
            if len(found) >= limit:
                break
    except Exception:  # noqa: BLE001
        pass
    found.sort(key=lambda n: (not n.startswith("__main__."), n))
    return ", ".join(found)


def _frame_threads():
    """{id(frame): thread name} for every frame on every live thread's stack."""
    owners = {}
    names = _thread_names()
    for ident, f in _safe(sys._current_frames, default={}).items():
        n = 0
        while f is not None and n < 500:
            owners[id(f)] = names.get(ident, "ident %d" % ident)
            f = f.f_back
            n += 1
    return owners


@_guarded("")
def local_name(obj, limit=2):
    """'converter (local of export_report, thread report-export)': live frames' locals bound to obj."""
    found = []
    for t in threads():
        for f in _stack(t, 100):
            if _library(f):
                continue
            for k, v in _safe(lambda: dict(f.f_locals), default={}).items():
                if v is obj:
                    found.append("%s (local of %s, thread %s)" % (k, _attr(f.f_code, "co_qualname", "?"), t.name))
                    break
            if len(found) >= limit:
                return ", ".join(found)
    return ", ".join(found)


@_guarded(list)
def referrers(obj, depth=3, limit=20):
    """Who holds obj, in words, each ending at something with a name: 'global __main__.kept (in a list
    of 1)', 'attribute queue of Worker at 0x..', 'local q of consume (thread w-1)', 'closure of
    make_handler.<locals>.cb'. Containers (lists, dicts, sets, tuples, cells) are followed up to `depth`
    levels. Objects the kit itself holds for the call are left out; so are the locals of running frames,
    which the gc does not show (live_users() reads those)."""
    res = []
    transient = _kit_transients()
    seen = {id(res)}
    owners = _frame_threads()

    def walk(target, level, via):
        holders = _safe(gc.get_referrers, target, default=[])
        seen.add(id(holders))
        for h in holders:
            if len(res) >= limit:
                return
            if id(h) in seen or id(h) in transient:
                continue
            seen.add(id(h))
            # the kit's own leftovers (a closure awaiting collection) and iterators of a running loop
            # the kit's and the injected script's own objects (a closure awaiting collection, the script's
            # namespace), and iterators of a running loop
            if _attr(h, "__module__", None) in ("thaw_kit", "__thaw__") or "iterator" in _tname(h) or (
                    isinstance(h, dict) and h.get("__name__") in ("thaw_kit", "__thaw__")):
                continue
            try:
                if hasattr(h, "f_code") and hasattr(h, "f_locals"):
                    if _safe(lambda: h.f_globals.get("__name__"), default="") == "thaw_kit":
                        continue
                    names = [k for k, v in _safe(lambda: dict(h.f_locals), default={}).items() if v is target]
                    who = owners.get(id(h))
                    res.append("local %s of %s%s%s" % ("/".join(names) or "?", where(h),
                                                       " (thread %s)" % who if who else "", via))
                elif isinstance(h, dict):
                    mod = _module_owning(h)
                    keys = [k for k, v in list(h.items()) if v is target][:3] or ["(a key)"]
                    if mod is not None:
                        if mod != "thaw_kit":
                            res.append("global %s%s" % (", ".join("%s.%s" % (mod, k) for k in keys), via))
                        continue
                    inst = _instance_owning(h)
                    if inst is not None:
                        res.append("attribute %s of %s at %s%s" % (", ".join(map(str, keys)), _tname(inst),
                                                                 hex(id(inst)), via))
                    elif level < depth:
                        walk(h, level + 1, " (in a dict of %d, under %s)%s" % (len(h), short(keys[0], 40), via))
                elif isinstance(h, (list, tuple, set, frozenset)) or _tname(h) in ("deque", "cell"):
                    if level < depth:
                        what = "a closure cell" if _tname(h) == "cell" else "a %s of %d" % (_tname(h), _safe(len, h, default=-1))
                        walk(h, level + 1, " (in %s)%s" % (what, via))
                elif hasattr(h, "__code__") and hasattr(h, "__closure__"):
                    res.append("closure of %s%s" % (_qualname(h), via))
                elif _tname(h) in ("method", "builtin_function_or_method"):
                    if level < depth:
                        walk(h, level + 1, " (bound method %s)%s" % (_attr(h, "__name__", "?"), via))
                else:
                    res.append("%s at %s%s" % (_tname(h), hex(id(h)), via))
            except Exception:  # noqa: BLE001
                continue

    walk(obj, 1, "")
    return res


def _kit_transients():
    """ids of what the kit's own running frames hold (argument tuples, result lists): not referrers."""
    ids = set()
    f = sys._getframe(1)
    n = 0
    while f is not None and n < 100:
        if _safe(lambda: f.f_globals.get("__name__"), default="") == "thaw_kit":
            ids.add(id(f))
            for v in _safe(lambda: list(f.f_locals.values()), default=[]):
                ids.add(id(v))
                if isinstance(v, (tuple, list, dict)) and len(v) < 100:
                    for x in (v.values() if isinstance(v, dict) else v):
                        if isinstance(x, (tuple, list, dict, set)):
                            ids.add(id(x))
        f = f.f_back
        n += 1
    return ids


def _module_owning(d):
    for modname, mod in list(sys.modules.items()):
        if _safe(lambda: object.__getattribute__(mod, "__dict__")) is d:
            return modname
    return None


def _instance_owning(d):
    for h in _safe(gc.get_referrers, d, default=[]):
        if _safe(lambda: object.__getattribute__(h, "__dict__")) is d:
            return h
    return None


# ---------------------------------------------------------------- threads, tasks, greenlets

class Thread:
    """A live OS thread: its threading.Thread (or None), name, ident, native id and innermost frame."""
    __slots__ = ("thread", "name", "ident", "native_id", "frame")

    def __init__(self, thread, name, ident, native_id, frame):
        self.thread, self.name, self.ident, self.native_id, self.frame = thread, name, ident, native_id, frame

    def __repr__(self):
        return "Thread(%r, ident=%s, native_id=%s, at %s)" % (self.name, self.ident, self.native_id, where(self.frame))


def _thread_names():
    names = {}
    for ident, t in _safe(lambda: dict(__import__("threading")._active), default={}).items():
        names[ident] = _attr(t, "_name", "?")
    return names


@_guarded(list)
def threads(include_self=False):
    """Every live OS thread running Python code, this script's own left out (include_self=True keeps it).
    Reads sys._current_frames() and threading._active; takes no lock (threading.enumerate() would)."""
    me = real_ident()
    active = _safe(lambda: dict(__import__("threading")._active), default={})
    res = []
    for ident, f in _safe(sys._current_frames, default={}).items():
        if ident == me and not include_self:
            continue
        t = active.get(ident)
        res.append(Thread(t, _attr(t, "_name", "(not a threading.Thread)") if t is not None else "(not a threading.Thread)",
                          ident, _attr(t, "_native_id"), f))
    return res


def _gc_objects(kind, limit):
    res = []
    if kind is None:
        return res
    try:
        for n, o in enumerate(gc.get_objects()):
            if n >= MAX_OBJECTS or len(res) >= limit:
                break
            try:
                if isinstance(o, kind):
                    res.append(o)
            except Exception:  # noqa: BLE001
                continue
    except Exception:  # noqa: BLE001
        pass
    return res


@_guarded(list)
@_guarded(list)
def instances(kind, limit=100_000):
    """Every object of a class (or tuple of classes) that the gc can see, at most `limit`."""
    return _gc_objects(kind, limit)


@_guarded(list)
def tasks(limit=100_000):
    """Every asyncio Task the gc can see, done ones included (a done task kept in a list holds its
    exception unlogged until it is collected)."""
    aio = sys.modules.get("asyncio")
    return _gc_objects(_attr(aio, "Task"), limit) if aio is not None else []


@_guarded(list)
def futures(limit=100_000):
    """Every asyncio.Future and concurrent.futures.Future the gc can see (tasks left out)."""
    kinds = []
    aio = sys.modules.get("asyncio")
    cf = sys.modules.get("concurrent.futures._base")
    if aio is not None and _attr(aio, "Future") is not None:
        kinds.append(aio.Future)
    if cf is not None and _attr(cf, "Future") is not None:
        kinds.append(cf.Future)
    task = _attr(aio, "Task")
    return [f for f in _gc_objects(tuple(kinds) or None, limit) if task is None or not isinstance(f, task)]


@_guarded(list)
def greenlets(limit=100_000):
    """Every greenlet the gc can see (gevent Greenlets, hubs and bare greenlets)."""
    g = sys.modules.get("greenlet")
    return _gc_objects(_attr(g, "greenlet"), limit) if g is not None else []


# ---------------------------------------------------------------- what is waited on

_WAITS = {
    ("threading", "Condition.wait"): "condition", ("threading", "Condition.wait_for"): "condition",
    ("threading", "Event.wait"): "event", ("threading", "Semaphore.acquire"): "semaphore",
    ("threading", "Barrier.wait"): "barrier", ("threading", "Thread.join"): "thread",
    ("threading", "Thread._wait_for_tstate_lock"): "thread",
    ("queue", "Queue.get"): "queue", ("queue", "Queue.put"): "queue", ("queue", "Queue.join"): "queue-join",
    ("concurrent.futures._base", "Future.result"): "future",
    ("concurrent.futures._base", "Future.exception"): "future",
    ("asyncio.queues", "Queue.join"): "queue-join", ("asyncio.queues", "Queue.get"): "queue",
    ("asyncio.queues", "Queue.put"): "queue", ("asyncio.locks", "Event.wait"): "event",
    ("asyncio.locks", "Condition.wait"): "condition", ("asyncio.locks", "Lock.acquire"): "lock",
    ("asyncio.locks", "Semaphore.acquire"): "semaphore",
    ("gevent.event", "Event.wait"): "event", ("gevent.event", "AsyncResult.get"): "future",
    ("gevent.event", "AsyncResult.wait"): "future", ("gevent.queue", "Queue.get"): "queue",
    ("gevent.queue", "JoinableQueue.join"): "queue-join", ("subprocess", "Popen.wait"): "process",
    ("subprocess", "Popen.communicate"): "process-communicate", ("gevent._abstract_linkable", "AbstractLinkable._wait"): "event",
}


def _stack(obj, limit=200):
    """Frames of a Thread record, threading.Thread, ident, frame, greenlet, task or coroutine, innermost
    first. A suspended coroutine's frame has no f_back: its await chain is followed instead."""
    f = None
    if isinstance(obj, Thread):
        f = obj.frame
    elif hasattr(obj, "f_code"):
        f = obj
    elif isinstance(obj, int):
        f = _safe(sys._current_frames, default={}).get(obj)
    elif isinstance(_attr(obj, "ident"), int) and hasattr(obj, "is_alive"):
        f = _safe(sys._current_frames, default={}).get(obj.ident)
    elif hasattr(obj, "gr_frame"):
        f = _attr(obj, "gr_frame")
    else:
        coro = _safe(obj.get_coro) if hasattr(obj, "get_coro") else obj
        chain = []
        for _ in range(limit):
            fr = _attr(coro, "cr_frame") or _attr(coro, "gi_frame") or _attr(coro, "ag_frame")
            if fr is None:
                break
            chain.append(fr)
            coro = _attr(coro, "cr_await") or _attr(coro, "gi_yieldfrom") or _attr(coro, "ag_await")
        return chain[::-1]
    res = []
    while f is not None and len(res) < limit:
        res.append(f)
        f = f.f_back
    return res


def _frames_of(obj):
    st = _stack(obj, 200)
    return st[0] if st else None


def _library(frame):
    mod = _safe(lambda: frame.f_globals.get("__name__", ""), default="") or ""
    return mod.startswith(("threading", "queue", "asyncio", "concurrent.", "gevent", "greenlet", "selectors",
                           "subprocess", "_weakrefset"))


@_guarded(list)
def line_objects(frame):
    """(text, object, method) for each name chain loaded on the frame's current line up to its current
    instruction, e.g. ('done', <AsyncResult>, 'get') for a frame stopped in `done.get()`: what a call into
    compiled code (gevent's primitives, a C lock) is made on, with no Python frame of its own."""
    code, lasti, line = frame.f_code, frame.f_lasti, frame.f_lineno
    chains, cur = [], None
    for i in _instructions(code):
        if i.offset > lasti or i.positions is None or i.positions.lineno != line:
            if cur and i.offset > lasti:
                break
            continue
        op = i.opname
        if op in _LOADS_ALL and isinstance(i.argval, str):
            if cur:
                chains.append(cur)
            cur = [[i.argval], None]
        elif op in _PAIRS and isinstance(i.argval, tuple):
            if cur:
                chains.append(cur)
            chains.append([[i.argval[0]], None])
            cur = [[i.argval[1]], None]
        elif op == "LOAD_ATTR" and cur is not None and cur[1] is None and isinstance(i.argval, str):
            if "NULL" in (i.argrepr or ""):
                cur[1] = i.argval
            else:
                cur[0].append(i.argval)
        elif cur:
            chains.append(cur)
            cur = None
    if cur:
        chains.append(cur)
    res = []
    for names, method in chains:
        ok, v = _lookup(frame, names)
        if ok:
            res.append((".".join(names), v, method))
    return res


def _kind_by_type(obj, method):
    """The wait kind of a call `obj.method()` by obj's class (and its bases), or None."""
    names = set(_safe(lambda: [c.__name__ for c in type(obj).__mro__], default=[]) or [])
    if names & {"AsyncResult", "Future"}:
        return "future"
    if "Event" in names:
        return "event"
    if names & {"JoinableQueue", "Queue", "SimpleQueue", "LifoQueue", "PriorityQueue", "Channel", "UnboundQueue"}:
        return "queue-join" if method == "join" else "queue" if method in ("get", "peek", "put", None) else None
    if names & {"Semaphore", "BoundedSemaphore"}:
        return "semaphore"
    if "Condition" in names:
        return "condition"
    if names & {"Greenlet", "Thread"} and method == "join":
        return "thread"
    if names & {"lock", "RLock", "LockType", "Lock"}:
        return "lock"
    return None


@_guarded(None)
def waiting_on(thread):
    """(kind, object, frame) for what a thread, greenlet or task waits on: kind is condition, event,
    semaphore, barrier, thread, queue, queue-join, future, futures or lock; obj is the wait frame's
    `self` (for concurrent.futures.wait / asyncio.wait its `fs`); frame is the application frame that
    called it. The outermost library wait counts (Queue.join, not the Condition.wait inside it). None
    when no known wait is on its stack."""
    found = app = None
    stack = _stack(thread)
    for f in stack:
        try:
            code = f.f_code
            mod = f.f_globals.get("__name__", "")
            qn = getattr(code, "co_qualname", code.co_name)
            kind = _WAITS.get((mod, qn))
            if kind is not None:
                found = (kind, f.f_locals.get("self"), f)
            elif qn == "wait" and mod in ("concurrent.futures._base", "asyncio.tasks"):
                found = ("futures", f.f_locals.get("fs"), f)
            elif not _library(f):
                app = f
                break
        except Exception:  # noqa: BLE001
            continue
    if found is None:
        # a suspended greenlet in a call into compiled code (gevent's primitives have no Python frame):
        # what its innermost application frame's current line calls a method on. Only for greenlets: a
        # suspended greenlet is waiting for sure, while a thread on such a line may be running.
        if not hasattr(thread, "gr_frame"):
            return None
        if app is None:
            app = next((f for f in stack if not _library(f)), None)
        if app is None:
            return None
        for text, v, m in reversed(line_objects(app)):
            kind = _kind_by_type(v, m)
            if kind is not None:
                return kind, v, app
        return None
    return found[0], found[1], app or found[2]


@_guarded("?")
def wait_timeout(thread):
    """The timeout of the library wait a thread is in (None: waits until woken; '?' unknown)."""
    for f in _stack(thread, 30):
        try:
            if _library(f) and "timeout" in f.f_code.co_varnames:
                return f.f_locals.get("timeout")
        except Exception:  # noqa: BLE001
            continue
    return "?"


@_guarded(None)
def caller(frame):
    """The first frame outside threading/queue/asyncio/concurrent/gevent/subprocess below `frame`: the application's call."""
    n = 0
    f = frame
    while f is not None and n < 200:
        if not _library(f):
            return f
        f = f.f_back
        n += 1
    return frame


# ---------------------------------------------------------------- who could still act on an object

_ins_cache = {}


def _instructions(code):
    r = _ins_cache.get(code)
    if r is None:
        try:
            import dis
            r = list(dis.get_instructions(code))
        except Exception:  # noqa: BLE001
            r = []
        if len(_ins_cache) < 5000:
            _ins_cache[code] = r
    return r


def _loop_range(frame):
    """(start, end) offsets of the innermost loop around the frame's current instruction, or None."""
    at = frame.f_lasti
    best = None
    for i in _instructions(frame.f_code):
        if i.offset > at and i.opname.startswith("JUMP_BACKWARD") and isinstance(i.argval, int) and i.argval <= at:
            if best is None or i.argval > best[0]:
                best = (i.argval, i.offset)
    return best


@_guarded(False)
def in_loop(frame):
    """Whether the frame's current instruction is inside a loop (a backward jump after it lands at or
    before it): a `while not ready: cond.wait()` is, a bare `cond.wait()` is not."""
    return _loop_range(frame) is not None


_LOADS_ALL = {"LOAD_FAST", "LOAD_FAST_BORROW", "LOAD_FAST_CHECK", "LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF",
              "LOAD_FROM_DICT_OR_GLOBALS"}
_PAIRS = {"LOAD_FAST_LOAD_FAST", "LOAD_FAST_BORROW_LOAD_FAST_BORROW"}
_with_cache = {}


def _lookup(frame, names):
    """The object a dotted name chain stands for in a frame (instance/module __dict__ only: no property
    or __getattr__ runs), as (found, value)."""
    v, ok = None, False
    for d in (_safe(lambda: frame.f_locals, default={}), frame.f_globals, frame.f_builtins):
        try:
            if names[0] in d:
                v, ok = d[names[0]], True
                break
        except Exception:  # noqa: BLE001
            continue
    for n in names[1:]:
        if not ok:
            break
        d = _safe(lambda: object.__getattribute__(v, "__dict__"))
        ok = isinstance(d, dict) and n in d
        v = d[n] if ok else None
    return ok, v


def _with_sites(code):
    """([(enter_call_offset, body_handler_offset, [names of the context manager], line)], exception table)."""
    r = _with_cache.get(code)
    if r is not None:
        return r
    sites = []
    ins = _instructions(code)
    try:
        import dis
        table = dis._parse_exception_table(code)
    except Exception:  # noqa: BLE001
        table = []
    for k, i in enumerate(ins):
        if i.opname == "LOAD_SPECIAL" and "__enter__" in str(i.argrepr):
            call = next((j for j in ins[k + 1:k + 3] if j.opname == "CALL"), None)
            after = next((j for j in ins[k + 1:k + 4] if call is not None and j.offset > call.offset), None)
            if call is None or after is None:
                continue
            entry = next((e for e in table if e.start <= after.offset < e.end), None)
            if entry is None:
                continue
            # the expression before "COPY 1; LOAD_SPECIAL __exit__; SWAP 2; SWAP 3; LOAD_SPECIAL __enter__"
            b = k - 1
            while b >= 0 and ins[b].opname in ("SWAP", "LOAD_SPECIAL", "COPY"):
                b -= 1
            e = b
            while b >= 0 and ins[b].opname == "LOAD_ATTR" and "NULL" not in (ins[b].argrepr or ""):
                b -= 1
            names = None
            if b >= 0 and (ins[b].opname in _LOADS_ALL or ins[b].opname in _PAIRS):
                first = ins[b].argval[-1] if ins[b].opname in _PAIRS else ins[b].argval
                names = [first] + [ins[x].argval for x in range(b + 1, e + 1)]
            sites.append((call.offset, entry.target, names, i.positions.lineno if i.positions is not None else None))
    r = (sites, table)
    if len(_with_cache) < 5000:
        _with_cache[code] = r
    return r


def _inside(table, offset, handler):
    seen = set()
    while True:
        e = next((x for x in table if x.start <= offset < x.end), None)
        if e is None or e.target in seen:
            return False
        if e.target == handler:
            return True
        seen.add(e.target)
        offset = e.target


@_guarded(list)
def with_blocks(frame):
    """(text, object, line) of every `with` block the frame is inside of (its __exit__ will run: a lock
    or semaphore there is held by this frame), read from the code's exception table."""
    res = []
    code, lasti = frame.f_code, frame.f_lasti
    sites, table = _with_sites(code)
    for call, handler, names, line in sites:
        if names and lasti != call and _inside(table, lasti, handler):
            ok, v = _lookup(frame, names)
            if ok:
                res.append((".".join(names), v, line))
    return res


@_guarded(None)
def entering_with(frame):
    """(text, object) when the frame is stopped at the __enter__ call of a `with` statement (a thread
    waiting to enter `with lock:` has no frame of its own for the wait), else None."""
    sites, _ = _with_sites(frame.f_code)
    for call, _, names, _ in sites:
        if call == frame.f_lasti and names:
            ok, v = _lookup(frame, names)
            if ok:
                return ".".join(names), v
    return None


def _global_names_of(obj):
    """{(id(module dict), name)} of the module globals bound to obj."""
    res = set()
    for mod in list(sys.modules.values()):
        d = _safe(lambda: object.__getattribute__(mod, "__dict__"))
        if isinstance(d, dict):
            for k, v in list(d.items()):
                if v is obj:
                    res.add((id(d), k))
    return res


_LOADS = ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_FROM_DICT_OR_GLOBALS")


def _code_reads(code, gdict, names, depth, seen):
    """Whether code (or a function of the same globals it loads, `depth` levels down) loads one of names."""
    if code in seen or len(seen) > 2000:
        return False
    seen.add(code)
    for i in _instructions(code):
        if i.opname in _LOADS and (id(gdict), i.argval) in names:
            return True
    if depth <= 0:
        return False
    for i in _instructions(code):
        if i.opname in _LOADS:
            fn = gdict.get(i.argval) if isinstance(gdict, dict) else None
            c = _attr(fn, "__code__")
            if c is not None and _code_reads(c, _attr(fn, "__globals__", gdict), names, depth - 1, seen):
                return True
        consts = _attr(i, "argval")
        if hasattr(consts, "co_code") and _code_reads(consts, gdict, names, depth - 1, seen):
            return True
    return False


def _frame_refers(frame, obj, names, seen):
    """A live frame that can still act on obj: a local (or cell) bound to it, a `with` block of it, or
    code still to run in the frame (after its current instruction, or in the loop around it) that reads
    a global bound to it, directly or through a function it calls (two levels)."""
    try:
        # a module-level frame's "locals" are its globals: those count only when code still reads them
        if frame.f_code.co_flags & 0x1:
            for v in dict(frame.f_locals).values():
                if v is obj:
                    return "a local"
        if not names:
            return None
        for text, v, _line in with_blocks(frame):
            if v is obj or _attr(v, "_lock") is obj:
                return "`with %s:` (its exit releases it)" % text
        g = frame.f_globals
        at = frame.f_lasti
        loop = _loop_range(frame)
        for i in _instructions(frame.f_code):
            if (i.offset > at or (loop is not None and loop[0] <= i.offset <= loop[1])) and i.opname in _LOADS:
                if (id(g), i.argval) in names:
                    return "the global %s" % i.argval
                fn = g.get(i.argval)
                c = _attr(fn, "__code__")
                if c is not None and _code_reads(c, _attr(fn, "__globals__", g), names, 1, seen):
                    return "%s(), which reads it" % i.argval
    except Exception:  # noqa: BLE001
        return None
    return None


@_guarded(list)
def live_users(obj, skip=(), limit=10, max_frames=100_000):
    """Live threads, asyncio tasks and greenlets whose stacks can still act on obj (set, notify,
    complete, put, release it): a frame with a local bound to it, or code still to run that reads a
    global bound to it. `skip` holds thread idents, tasks or greenlets to leave out (its waiters).
    An empty answer means nothing alive can act on obj - the wait it is in can only end by timeout."""
    names = _global_names_of(obj)
    skip_ids = set(id(x) for x in skip) | set(x for x in skip if isinstance(x, int))
    seen = set()
    res = []
    budget = [max_frames]

    def scan(label, frames):
        for f in frames[:300]:
            if budget[0] <= 0:
                return
            budget[0] -= 1
            how = _frame_refers(f, obj, names, seen)
            if how:
                res.append("%s: %s in %s" % (label, how, where(f)))
                return

    for t in (_census["threads"] if "threads" in _census else threads()):
        if len(res) >= limit:
            return res
        if t.ident in skip_ids or id(t.thread) in skip_ids:
            continue
        scan("thread %s" % t.name, _stack(t, 300))
    for task in (_census["tasks"] if "tasks" in _census else tasks()):
        if len(res) >= limit:
            return res
        if id(task) in skip_ids or _safe(task.done, default=True):
            continue
        scan("task %s" % _safe(task.get_name, default="?"), _stack(task, 300))
    for g in (_census["greenlets"] if "greenlets" in _census else greenlets()):
        if len(res) >= limit:
            return res
        if id(g) in skip_ids or _attr(g, "dead", True) or _attr(g, "gr_frame") is None:
            continue
        scan("greenlet %s" % (_attr(g, "name", None) or _qualname(_attr(g, "_run", None) or _attr(g, "run", None))),
             _stack(g, 300))
    return res


# ---------------------------------------------------------------- describe

def describe(obj):
    """One line: the type and the attributes that tell its state. Never raises, never takes a lock."""
    try:
        return _describe(obj)
    except Exception as e:  # noqa: BLE001
        return "%s at %s (unreadable: %s)" % (_tname(obj), hex(id(obj)), type(e).__name__)


def _lock_state(lock):
    locked = _safe(lock.locked) if hasattr(lock, "locked") else None
    return "locked" if locked is True else "unlocked" if locked is False else "state unknown"


def _describe(obj):
    mod, t = _module_of(obj), _tname(obj)
    label = name(obj)
    head = "%s.%s%s" % (mod, t, " `%s`" % label if label else "") if mod not in ("builtins", "") else t
    if isinstance(obj, Thread):
        return "thread %s (ident %s, native id %s) at %s" % (obj.name, obj.ident, obj.native_id, where(obj.frame))
    if mod == "_thread" and t in ("lock", "LockType"):
        return "%s (%s)" % (head, _lock_state(obj))
    if mod == "_thread" and t == "RLock":
        return "%s (%s)" % (head, short(obj, 120))
    if mod == "threading" and t == "Thread" or (hasattr(obj, "is_alive") and hasattr(obj, "_started")):
        alive = _safe(obj.is_alive)
        started = _safe(lambda: obj._started.is_set())
        target = _attr(obj, "_target")
        state = "alive" if alive else ("finished" if started else "not started")
        return "%s %r (%s%s, ident %s, native id %s%s)" % (
            head, _attr(obj, "_name", "?"), state, ", daemon" if _attr(obj, "_daemonic") else "",
            _attr(obj, "_ident"), _attr(obj, "_native_id"),
            ", target %s" % _qualname(target) if target is not None else
            (", run %s" % _qualname(_attr(type(obj), "run")) if type(obj).__name__ != "Thread" else ""))
    if mod in ("threading", "asyncio.locks", "gevent.lock", "gevent._semaphore") and t in ("Condition",):
        waiters = _safe(len, _attr(obj, "_waiters", ()), default="?")
        lock = _attr(obj, "_lock")
        return "%s (%s waiter(s), its lock %s)" % (head, waiters, _lock_state(lock) if lock is not None else "?")
    if t in ("Event",) and hasattr(obj, "is_set"):
        cond = _attr(obj, "_cond")
        waiters = _safe(len, _attr(cond, "_waiters", None) or _attr(obj, "_waiters", None) or (), default="?")
        return "%s (%s, %s waiter(s))" % (head, "set" if _safe(obj.is_set) else "not set", waiters)
    if t in ("Semaphore", "BoundedSemaphore") and hasattr(obj, "_value"):
        return "%s (value=%s%s)" % (head, _attr(obj, "_value"),
                                    ", initial %s" % _attr(obj, "_initial_value") if hasattr(obj, "_initial_value") else "")
    if t == "Barrier" and hasattr(obj, "_parties"):
        return "%s (%s of %s waiting, state %s)" % (head, _attr(obj, "_count"), _attr(obj, "_parties"), _attr(obj, "_state"))
    if mod == "queue" or (hasattr(obj, "unfinished_tasks") and hasattr(obj, "queue")):
        items = _safe(len, _attr(obj, "queue", ()), default="?")
        getters = _safe(len, _attr(_attr(obj, "not_empty"), "_waiters", ()), default=0)
        joiners = _safe(len, _attr(_attr(obj, "all_tasks_done"), "_waiters", ()), default=0)
        return "%s (%s item(s), unfinished_tasks=%s, maxsize %s, %s getter(s) and %s joiner(s) waiting)" % (
            head, items, _attr(obj, "unfinished_tasks"), _attr(obj, "maxsize"), getters, joiners)
    if mod == "_queue" and t == "SimpleQueue":
        return "%s (%s item(s))" % (head, _safe(obj.qsize, default="?"))
    if mod == "asyncio.queues":
        return "%s (%s item(s), unfinished tasks=%s, maxsize %s, %s getter(s), %s putter(s), finished event %s)" % (
            head, _safe(len, _attr(obj, "_queue", ()), default="?"), _attr(obj, "_unfinished_tasks"),
            _attr(obj, "_maxsize"), _safe(len, _attr(obj, "_getters", ()), default="?"),
            _safe(len, _attr(obj, "_putters", ()), default="?"),
            "set" if _safe(lambda: obj._finished.is_set()) else "not set")
    if hasattr(obj, "get_coro") and hasattr(obj, "_state"):
        return "%s %r (%s)" % (head, _safe(obj.get_name, default="?"), future_state(obj))
    if hasattr(obj, "_state") and (hasattr(obj, "_condition") or hasattr(obj, "_loop")):
        return "%s (%s)" % (head, future_state(obj))
    if t == "Popen" and hasattr(obj, "pid"):
        pipes = ", ".join("%s fd %s" % (p, _safe(lambda: _attr(obj, p).fileno()))
                          for p in ("stdin", "stdout", "stderr") if _attr(obj, p) is not None)
        return "%s pid %s (%s, args %s%s)" % (head, obj.pid, "running" if _attr(obj, "returncode") is None
                                             else "exited %s" % obj.returncode, short(_attr(obj, "args"), 80),
                                             ", pipes: " + pipes if pipes else "")
    if hasattr(obj, "getsockname") and hasattr(obj, "family"):
        fd = _safe(obj.fileno)
        return "%s fd %s (%s, local %s, peer %s, timeout %s)" % (
            head, fd, _safe(lambda: obj.family.name, default=_attr(obj, "family")),
            _safe(obj.getsockname, default="?") if fd not in (None, -1) else "-",
            _safe(obj.getpeername, default="not connected") if fd not in (None, -1) else "-",
            _safe(obj.gettimeout))
    if hasattr(obj, "fileno") and hasattr(obj, "closed") and hasattr(obj, "mode"):
        return "%s %r (mode %s, %s, fd %s)" % (head, _attr(obj, "name"), _attr(obj, "mode"),
                                              "closed" if _attr(obj, "closed") else "open",
                                              _safe(obj.fileno) if not _attr(obj, "closed") else "-")
    if hasattr(obj, "gr_frame") and hasattr(obj, "dead"):
        return "%s (%s, at %s)" % (head, "dead" if _attr(obj, "dead") else "alive",
                                   where(obj.gr_frame) if _attr(obj, "gr_frame") is not None else "no frame")
    return "%s %s" % (head, short(obj, 80))


def _qualname(fn):
    if fn is None:
        return "?"
    return "%s.%s" % (_attr(fn, "__module__", "?"), _attr(fn, "__qualname__", None) or _attr(fn, "__name__", short(fn, 60)))


@_guarded("?")
def future_state(fut):
    """'pending', 'cancelled', 'finished with result ...' or 'finished with KeyError(...) (never retrieved)'.
    Reads _state/_exception/_result directly: asyncio's exception() would mark the exception retrieved."""
    state = str(_attr(fut, "_state", "?"))
    if state.upper() != "FINISHED":
        return state.lower()
    exc = _attr(fut, "_exception")
    if exc is not None:
        unlogged = _attr(fut, "_log_traceback")
        return "finished with %s: %s%s" % (type(exc).__name__, short(exc, 80),
                                           " (never retrieved)" if unlogged is True else "")
    return "finished with result %s" % short(_attr(fut, "_result"), 60)


@_guarded("?")
def exception_site(exc):
    """'file:line in func' of where an exception was raised (its innermost traceback entry)."""
    tb = _attr(exc, "__traceback__")
    last = None
    n = 0
    while tb is not None and n < 100:
        last = tb
        tb = tb.tb_next
        n += 1
    if last is None:
        return "?"
    code = last.tb_frame.f_code
    return "%s (%s:%s)" % (getattr(code, "co_qualname", code.co_name), code.co_filename, last.tb_lineno)


# ---------------------------------------------------------------- rules for classes of hang

def _label(obj):
    n = name(obj, 1)
    return "`%s`" % n if n else "%s at %s" % (_tname(obj), hex(id(obj)))


def _queue_parts(q):
    """(items, unfinished) of a queue.Queue, asyncio.Queue or gevent JoinableQueue, or None."""
    if hasattr(q, "_unfinished_tasks"):
        return _safe(len, _attr(q, "_queue", ()), default=None), _attr(q, "_unfinished_tasks")
    if hasattr(q, "unfinished_tasks"):
        return _safe(len, _attr(q, "queue", ()), default=None), _attr(q, "unfinished_tasks")
    return None


def _died_with(q):
    """Finished asyncio tasks whose failing frames held q (a local, or code reading the global bound to
    it): the consumers that died."""
    res = []
    names = _global_names_of(q)
    for t in tasks():
        exc = _attr(t, "_exception") if str(_attr(t, "_state", "")) == "FINISHED" else None
        if exc is None:
            continue
        tb = _attr(exc, "__traceback__")
        n = 0
        while tb is not None and n < 50:
            fr = tb.tb_frame
            if any(v is q for v in _safe(lambda: dict(fr.f_locals), default={}).values()) or any(
                    i.opname in _LOADS and (id(fr.f_globals), i.argval) in names for i in _instructions(fr.f_code)):
                res.append("task %s died with %s: %s at %s%s" % (
                    _safe(t.get_name, default="?"), type(exc).__name__, short(exc, 60), exception_site(exc),
                    " (never retrieved)" if _attr(t, "_log_traceback") is True else ""))
                break
            tb = tb.tb_next
            n += 1
    return res


@_guarded(None)
def judge(waits):
    """Verdicts for waiters. waits: a list of (who, key, kind, obj, frame, timeout) as a diagnostic saw
    them: who a label ('thread consumer-1'), key the thread ident / task / greenlet, kind and obj from
    waiting_on(), frame the application frame, timeout of the wait (None: none). Rules (each needs a
    wait without timeout on an object nothing alive can act on, so a healthy waiter never fires one):
      lost-wakeup           Condition wait outside a predicate loop, nothing alive left to notify it
      nothing-will-notify   the same inside a loop
      nothing-will-set      Event not set, nothing alive refers to it
      nothing-will-release  Semaphore at 0, nothing alive refers to it
      join-cannot-finish    Queue.join with unfinished > 0, queue empty, and no live consumer holding an item
      nothing-will-put      Queue.get on an empty queue with unfinished items, nothing alive can put into
      nothing-will-complete a future/AsyncResult nothing alive refers to."""
    import time
    by_obj = {}
    for w in waits:
        try:
            who, key, kind, obj, frame, timeout = w
            if obj is None or timeout not in (None, "?"):
                continue
            by_obj.setdefault(id(obj), [obj, kind, []])[2].append((who, key, frame))
        except Exception:  # noqa: BLE001
            continue
    # the most-waited-on first; at most MAX_JUDGED objects and JUDGE_SECONDS (10,000 waiters on 10,000
    # events would otherwise scan every stack 10,000 times); one census of threads, tasks and greenlets
    groups = sorted(by_obj.values(), key=lambda g: -len(g[2]))
    deadline = time.monotonic() + JUDGE_SECONDS
    _census["threads"], _census["tasks"], _census["greenlets"] = threads(), tasks(), greenlets()
    try:
        for n, (obj, kind, ws) in enumerate(groups):
            if n >= MAX_JUDGED or time.monotonic() > deadline:
                _notes.append("%d waited-on object(s) not judged (limit of %d objects / %d s reached)"
                              % (len(groups) - n, MAX_JUDGED, JUDGE_SECONDS))
                break
            try:
                _judge_one(obj, kind, ws)
            except Exception:  # noqa: BLE001
                continue
    finally:
        _census.clear()


def _judge_one(obj, kind, ws):
    whos = ", ".join(w[0] for w in ws[:5]) + (" and %d more" % (len(ws) - 5) if len(ws) > 5 else "")
    at = where(ws[0][2]) if ws[0][2] is not None else "?"
    keys = [w[1] for w in ws]
    label = _label(obj)
    if not name(obj, 1) and ws[0][2] is not None:
        # no global: the waiter's own local for it
        for k, v in _safe(lambda: dict(ws[0][2].f_locals), default={}).items():
            if v is obj:
                label = "`%s` (local of %s)" % (k, _attr(ws[0][2].f_code, "co_qualname", "?"))
                break
    if kind == "queue-join":
        parts = _queue_parts(obj)
        if parts is None:
            return
        items, unfinished = parts
        if not unfinished or items != 0:
            return
        holders = []
        for u in live_users(obj, skip=keys, limit=20):
            holders.append(u)
        # a consumer blocked in get() holds no item: it cannot call task_done for the missing ones
        idle = []
        for t in threads():
            wo = waiting_on(t)
            if wo is not None and wo[1] is obj and wo[0] == "queue":
                idle.append(t.name)
        for t in tasks():
            wo = None if _safe(t.done, default=True) else waiting_on(t)
            if wo is not None and wo[1] is obj and wo[0] == "queue":
                idle.append(_safe(t.get_name, default="?"))
        busy = [h for h in holders if not any(("thread %s:" % i) in h or ("task %s:" % i) in h for i in idle)]
        if busy:
            return
        died = _died_with(obj)
        verdict("join-cannot-finish",
                "%s waits in join() on %s, whose unfinished-task count is %s with the queue empty and no live "
                "consumer holding an item: task_done() was not called for %s item(s), so join() never returns"
                % (whos, label, unfinished, unfinished),
                ["%s: unfinished_tasks=%s, 0 items queued" % (label, unfinished),
                 "consumers idle in get(): %s" % (", ".join(idle[:10]) or "none")] + died +
                ["join() called from %s" % at],
                "call task_done() in a finally: block for every item got (a consumer that raises skips it), and "
                "restart or supervise consumers that die; join with a timeout to notice", label)
        return
    if kind == "queue":
        # only a queue that has had items nobody acknowledged (unfinished > 0): an empty queue that never
        # received anything is an idle consumer's, not a hang
        parts = _queue_parts(obj)
        if parts is None or parts[0] != 0 or not parts[1]:
            return
        users = live_users(obj, skip=keys)
        if users:
            return
        verdict("nothing-will-put", "%s waits in get() on %s, which is empty, and nothing alive can put into it: "
                "the producers have ended" % (whos, label),
                ["%s waits on %s without a timeout, called from %s" % (whos, describe(obj), at),
                 "no other live thread, task or greenlet has it in a local or runs code that still reads %s"
                 % ("its global " + name(obj, 1) if name(obj, 1) else "it")],
                "a producer that fails must still put something (its exception, or a sentinel) in a finally: "
                "block; get() with a timeout", label)
        return
    if kind not in ("condition", "event", "semaphore", "future"):
        return
    if kind == "event" and _safe(obj.is_set) is True:
        return
    if kind == "semaphore" and _attr(obj, "_value", 0) not in (0, None):
        return
    if kind == "future" and (_safe(obj.ready) if hasattr(obj, "ready") else _safe(obj.done)) is True:
        return
    users = live_users(obj, skip=keys)
    if users:
        return
    evidence = ["%s waits on %s without a timeout, called from %s" % (whos, describe(obj), at),
                "no other live thread, task or greenlet has it in a local or runs code that still reads %s"
                % ("its global " + name(obj, 1) if name(obj, 1) else "it")]
    if kind == "condition":
        looped = any(in_loop(w[2]) for w in ws if w[2] is not None)
        if not looped:
            evidence.append("the wait is not inside a predicate loop (`while not ready: cond.wait()`): a notify "
                            "sent before it began is lost")
            verdict("lost-wakeup", "%s waits on Condition %s that nothing alive can notify, outside a predicate "
                    "loop: the notify it needed came before the wait (or never), so it sleeps forever" % (whos, label),
                    evidence, "wait with a predicate: `cond.wait_for(lambda: ready)` or `while not ready: cond.wait()`, "
                    "setting `ready` under the lock before notify(); give the wait a timeout", label)
        else:
            verdict("nothing-will-notify", "%s waits on Condition %s in a loop, and nothing alive can notify it or "
                    "change its predicate" % (whos, label), evidence,
                    "make sure the notifier runs (it may have died with an exception) and notifies after changing "
                    "the state; give the wait a timeout", label)
    elif kind == "event":
        verdict("nothing-will-set", "%s waits on Event %s, which is not set and which nothing alive can set" % (whos, label),
                evidence, "the code that should set it has ended or died (look for an exception before its set()); "
                "set events in a finally: block, or wait with a timeout", label)
    elif kind == "semaphore":
        verdict("nothing-will-release", "%s waits on Semaphore %s at 0, and nothing alive holds it to release it: "
                "a permit was leaked" % (whos, label), evidence,
                "release in a finally: block (or `with sem:`); a path that returns or raises without release leaks "
                "a permit", label)
    else:
        verdict("nothing-will-complete", "%s waits on %s, which nothing alive can complete" % (whos, label), evidence,
                "the producer ended or died before setting the result: set results/exceptions in a finally: "
                "block, and wait with a timeout", label)


@_guarded(list)
def thread_waits(limit=10_000):
    """judge()'s input for every live thread in a known wait."""
    res = []
    for t in threads()[:limit]:
        wo = waiting_on(t)
        if wo is not None:
            res.append(("thread " + t.name, t.ident, wo[0], wo[1], wo[2], wait_timeout(t)))
    return res


@_guarded(list)
def task_waits(limit=10_000):
    """judge()'s input for every pending asyncio task in a known wait (an asyncio wait has no timeout
    argument: asyncio.timeout() cancels it instead, which a task's frames do not show, so '?')."""
    res = []
    for t in tasks(limit):
        if _safe(t.done, default=True):
            continue
        wo = waiting_on(t)
        if wo is not None:
            res.append(("task " + str(_safe(t.get_name, default="?")), t, wo[0], wo[1], wo[2], "?"))
    return res


@_guarded(list)
def greenlet_waits(limit=10_000):
    """judge()'s input for every suspended greenlet in a known gevent wait."""
    res = []
    for g in greenlets(limit):
        if _attr(g, "dead", True) or _attr(g, "gr_frame") is None:
            continue
        wo = waiting_on(g)
        if wo is not None:
            res.append(("greenlet " + str(_attr(g, "name", None) or hex(id(g))), g, wo[0], wo[1], wo[2], wait_timeout(g)))
    return res


@_guarded(0)
def judge_exceptions(limit=20):
    """unretrieved-exception: asyncio tasks and futures that finished with an exception nobody retrieved
    and that something still references (asyncio logs it only when the object is collected, so a task
    kept in a list fails silently)."""
    n = 0
    found = []
    for fut in tasks() + [f for f in futures() if _module_of(f) != "concurrent.futures._base"]:
        try:
            if str(_attr(fut, "_state", "")) != "FINISHED" or _attr(fut, "_exception") is None:
                continue
            if _attr(fut, "_log_traceback") is not True:
                continue
            found.append(fut)
        except Exception:  # noqa: BLE001
            continue
    for fut in found[:limit]:
        exc = fut._exception
        what = ("task %r" % _safe(fut.get_name, default="?")) if hasattr(fut, "get_name") else "future %s" % hex(id(fut))
        held = referrers(fut, 3, 6)
        verdict("unretrieved-exception",
                "%s finished with %s: %s and nobody retrieved it; it is still referenced, so asyncio never logs it"
                % (what, type(exc).__name__, short(exc, 80)),
                ["raised at %s" % exception_site(exc)] + ["held by %s" % h for h in held[:4]],
                "await the task (or asyncio.gather / TaskGroup, which propagate), or add a done callback that logs "
                "task.exception(); a consumer that dies leaves its work unfinished", what)
        n += 1
    return n


# ---------------------------------------------------------------- verdicts

def verdict(kind, conclusion, evidence=(), fix="", subject=None):
    """Record a conclusion: kind (a short class name, e.g. 'lost-wakeup'), what it concludes in one
    sentence, the evidence (lines), the usual fix, and what it is about. report() prints them."""
    try:
        _verdicts.append({"kind": str(kind), "conclusion": str(conclusion),
                          "evidence": [str(e) for e in list(evidence)[:20]], "fix": str(fix),
                          "subject": None if subject is None else str(subject)})
    except Exception:  # noqa: BLE001
        pass


def report(out, checked=""):
    """Print the verdicts: a 'Verdicts:' section, then one '@thaw-verdicts {json}' line (the last line
    of the output) that thaw returns as structured verdicts. `checked` says what was looked for when
    nothing is concluded."""
    import json
    out.write("\nVerdicts:\n")
    for n in _notes:
        out.write("  (%s)\n" % n)
    if not _verdicts:
        out.write("  none%s\n" % (": " + checked if checked else ""))
    for v in _verdicts:
        out.write("  %s: %s\n" % (v["kind"].upper(), v["conclusion"]))
        for e in v["evidence"]:
            out.write("    evidence: %s\n" % e)
        if v["fix"]:
            out.write("    fix: %s\n" % v["fix"])
    out.write(MARKER + json.dumps({"version": 1, "verdicts": _verdicts}, ensure_ascii=True) + "\n")
