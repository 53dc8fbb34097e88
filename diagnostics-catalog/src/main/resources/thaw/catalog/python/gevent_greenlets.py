# thaw-diagnostic
# {
#   "id": "py.gevent_greenlets",
#   "runtime": "cpython",
#   "title": "gevent greenlets, their stacks and waits, and each hub",
#   "question": "Which greenlets exist, what is each running or waiting on (which gevent Event, AsyncResult, Queue, lock, sleep, join), with what stack, and is each thread's hub loop turning or blocked by a greenlet that does not yield?",
#   "params": {
#     "type": "object",
#     "properties": {
#       "max_greenlets": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 200, "description": "greenlets (or groups of identical ones) listed"},
#       "max_frames": {"type": "integer", "minimum": 1, "maximum": 500, "default": 20, "description": "innermost frames shown per greenlet"},
#       "group": {"type": "boolean", "default": true, "description": "show greenlets with the same stack and wait once, with their names"},
#       "dead": {"type": "boolean", "default": false, "description": "also list dead greenlets (they are counted either way)"},
#       "max_repr": {"type": "integer", "minimum": 10, "maximum": 2000, "default": 60, "description": "characters per argument shown"}
#     },
#     "additionalProperties": false
#   },
#   "requires": "gevent",
#   "mutating": false,
#   "cost": "one pass over gc.get_objects() (tens of ms per million objects), 200 ms of sleeping on its own real thread (two looks at each hub's loop), then reads of greenlet frames; creates no hub and switches to no greenlet"
# }
# Hubs are found through gc, never with gevent.get_hub() (that would create a new hub for this
# diagnostic's own thread). A greenlet's thread is the one whose hub shares its root (main) greenlet.
# What a greenlet waits on: gevent's primitives are compiled, so they leave no Python frame; the
# innermost frame is the caller, stopped at the call. The names loaded on that line (disassembled,
# no source needed) are resolved in the frame's locals and globals, and the gevent object among
# them is named with its state (Event set?, Queue size, Semaphore counter, waiters).
import gc
import reprlib
import sys
import threading

P = params
gevent = sys.modules.get("gevent")
greenlet_mod = sys.modules.get("greenlet")
if gevent is None or greenlet_mod is None:
    out.write("gevent is not imported in this process: no hub and no gevent greenlets.\n")
    thaw_kit.report(out, "gevent is not imported")
    raise SystemExit(0)
monkey = sys.modules.get("gevent.monkey")
hubmod = sys.modules.get("gevent.hub")
Hub = getattr(hubmod, "Hub", None)
GGreenlet = getattr(gevent, "Greenlet", None)


def real(module, name, default):
    if monkey is not None:
        try:
            return monkey.get_original(module, name)
        except Exception:  # noqa: BLE001
            pass
    return default


import time as _time  # noqa: E402
import _thread  # noqa: E402

sleep = real("time", "sleep", _time.sleep)
me = real("_thread", "get_ident", _thread.get_ident)()


where = thaw_kit.where


def brepr(v):
    try:
        r = reprlib.Repr()
        r.maxstring = r.maxother = r.maxlong = P["max_repr"]
        r.maxlevel = 2
        text = r.repr(v)
    except BaseException as e:  # noqa: BLE001
        return "<repr failed: %s>" % type(e).__name__
    return text if len(text) <= P["max_repr"] else text[:P["max_repr"]] + "..."


safe = thaw_kit.safe


def qualname(fn):
    try:
        name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
        if name is None:
            inner = getattr(fn, "func", None)
            return "partial(%s)" % qualname(inner) if inner is not None else brepr(fn)
        mod = getattr(fn, "__module__", None)
        return "%s.%s" % (mod, name) if mod and getattr(fn, "__self__", None) is None else name
    except Exception:  # noqa: BLE001
        return "<callable unreadable>"


# the names loaded on a frame's current line, up to its current instruction (disassembled: no source needed)
line_objects = thaw_kit.line_objects


WAITABLE = ("Event", "AsyncResult", "Queue", "JoinableQueue", "PriorityQueue", "LifoQueue", "Channel",
            "SimpleQueue", "UnboundQueue", "Semaphore", "BoundedSemaphore", "DummySemaphore", "RLock", "Timeout",
            "Waiter", "MultipleWaiter", "Greenlet", "Pool", "Group", "ThreadPool", "lock", "Lock", "Condition",
            "Future", "LockType")


def waitable(obj):
    t = type(obj)
    mod = getattr(t, "__module__", "") or ""
    if mod.startswith("gevent") and any(c.__name__ in WAITABLE for c in t.__mro__):
        return True
    if mod in ("threading", "_thread", "queue", "concurrent.futures._base") and t.__name__ in WAITABLE:
        return True
    return isinstance(obj, greenlet_mod.greenlet)


def obj_state(obj):
    parts = []
    for m in ("is_set", "ready", "locked"):
        f = getattr(obj, m, None)
        if callable(f):
            v = safe(f)
            if isinstance(v, bool):
                parts.append("%s=%s" % (m, v))
    for m in ("qsize", "linkcount"):
        if m == "qsize" and not str(getattr(type(obj), "__module__", "")).startswith("gevent"):
            inner = getattr(obj, "queue", None)   # queue.Queue.qsize() takes its mutex: count the deque
            if inner is not None and not callable(inner):
                parts.append("qsize=%d" % safe(len, inner))
            continue
        f = getattr(obj, m, None)
        if callable(f):
            v = safe(f)
            if isinstance(v, int):
                parts.append("%s=%d" % ("waiters" if m == "linkcount" else m, v))
    c = getattr(obj, "counter", None)
    if isinstance(c, int):
        parts.append("counter=%d" % c)
    if isinstance(obj, greenlet_mod.greenlet):
        if GGreenlet is not None and isinstance(obj, GGreenlet):
            parts.insert(0, "name %r" % safe(lambda: obj.name))
        parts.append("dead" if obj.dead else "alive")
    return ", ".join(parts)


PUBLIC = {"gevent._gevent_cevent": "gevent.event", "gevent._gevent_cqueue": "gevent.queue",
          "gevent._gevent_c_semaphore": "gevent.lock", "gevent._gevent_cgreenlet": "gevent",
          "gevent._gevent_c_waiter": "gevent.hub", "gevent._gevent_c_abstract_linkable": "gevent"}


def tname_of(t):
    mod = getattr(t, "__module__", "?")
    return "%s.%s" % (PUBLIC.get(mod, mod), getattr(t, "__qualname__", t.__name__))


def wait_of(g, frames):
    """How a suspended greenlet waits: a gevent Python frame (sleep, join ...) or the call on the innermost app line."""
    if not frames:
        return None
    inner = frames[0]
    gevent_frames = []
    for f in frames:
        fn = safe(lambda: f.f_code.co_filename.replace("\\", "/"))
        if "/gevent/" in str(fn):
            gevent_frames.append(f)
        else:
            break
    user = frames[len(gevent_frames)] if len(gevent_frames) < len(frames) else None
    api = None
    if gevent_frames:
        api = getattr(gevent_frames[-1].f_code, "co_qualname", gevent_frames[-1].f_code.co_name)
    hit = None
    if user is not None:
        for text, v, m in line_objects(user):
            if waitable(v) and v is not g:
                hit = (text, v, m)
            elif hit is None and callable(v) and getattr(v, "__module__", "") and str(
                    getattr(v, "__module__", "")).startswith("gevent"):
                hit = (text, v, None)
    if api is not None and api == "sleep" and gevent_frames[-1].f_code.co_filename.endswith("hub.py"):
        secs = safe(lambda: gevent_frames[-1].f_locals.get("seconds"))
        return "sleeps in gevent.sleep(%s) at %s" % (brepr(secs), where(user) if user is not None else "?")
    if hit is None and api is None:
        return None
    if hit is not None:
        text, v, m = hit
        if callable(v) and not waitable(v):
            desc = "calls %s()" % text
        else:
            desc = "waits on %s `%s`%s (%s)" % (tname_of(type(v)), text, "." + m + "()" if m else "", obj_state(v))
        if api is not None:
            desc += " via gevent %s" % api
        return desc + " at %s" % where(user)
    return "in gevent %s, at %s" % (api, where(inner))


def gname(g):
    try:
        if GGreenlet is not None and isinstance(g, GGreenlet):
            n = safe(lambda: g.name)
            return "Greenlet %r" % n
        if getattr(g, "parent", 0) is None:
            return "main greenlet"
        return "greenlet %s" % hex(id(g))
    except Exception:  # noqa: BLE001
        return "greenlet"


def gfunc(g):
    try:
        fn = getattr(g, "_run", None) if GGreenlet is not None and isinstance(g, GGreenlet) else None
        if fn is None:
            fn = getattr(g, "run", None)
        if fn is None:
            return ""
        if getattr(fn, "__self__", None) is g:   # finished: gevent dropped the function (or a subclass's _run)
            info = getattr(g, "_formatted_info", None)
            return info if isinstance(info, str) else "%s._run()" % type(g).__qualname__
        args = list(getattr(g, "args", ()) or ())[:4]
        kwargs = list((getattr(g, "kwargs", None) or {}).items())[:4]
        return "%s(%s)" % (qualname(fn), ", ".join([brepr(a) for a in args] + ["%s=%s" % (k, brepr(v)) for k, v in kwargs]))
    except Exception:  # noqa: BLE001
        return ""


def active(g):
    """greenlet's own notion (started and not dead); gevent's Greenlet.__bool__ also counts a scheduled one."""
    try:
        return greenlet_mod.greenlet.__bool__(g)
    except Exception:  # noqa: BLE001
        return False


def gstate(g):
    if safe(lambda: g.dead) is True:
        return "dead"
    if not active(g):
        if GGreenlet is not None and isinstance(g, GGreenlet) and safe(lambda: g.started) is True:
            return "scheduled, not started yet (its hub has not run it)"
        return "not started"
    if g.gr_frame is None:
        return "running (the current greenlet of its thread)"
    return "suspended"


# ---- gather ----
greenlets, hubs = [], []
for o in gc.get_objects():
    try:
        if isinstance(o, greenlet_mod.greenlet):
            if Hub is not None and isinstance(o, Hub):
                hubs.append(o)
            else:
                greenlets.append(o)
    except Exception:  # noqa: BLE001
        continue
threads = {}
try:
    threads = dict(threading._active)
except Exception:  # noqa: BLE001
    pass


def thread_label(ident):
    if ident is None:
        return "an unknown thread"
    t = threads.get(ident)
    if t is not None and not type(t).__name__.startswith("_DummyThread"):
        return "thread %s (ident %d)" % (t.name, ident)
    if ident == getattr(hubmod, "MAIN_THREAD_IDENT", None):
        return "the main thread (ident %d)" % ident
    return "OS thread ident %d (not a threading.Thread)" % ident


def root(g):
    n = 0
    while g is not None and getattr(g, "parent", None) is not None and n < 1000:
        g = g.parent
        n += 1
    return g


hub_of_root = {}
for h in hubs:
    r = root(h)
    if r is not None:
        hub_of_root[id(r)] = h

# two looks at each hub's loop, 100 ms apart
before = {}
frames0 = sys._current_frames()
for h in hubs:
    before[id(h)] = (safe(lambda: h.loop.iteration), frames0.get(getattr(h, "thread_ident", None)))
sleep(0.1)
frames1 = sys._current_frames()
sleep(0.1)
frames2 = sys._current_frames()
after = {id(h): safe(lambda: h.loop.iteration) for h in hubs}

dead = [g for g in greenlets if safe(lambda: g.dead) is True]
live = [g for g in greenlets if safe(lambda: g.dead) is not True]
out.write("%d greenlet(s): %d alive, %d dead; %d hub(s)\n" % (len(greenlets), len(live), len(dead), len(hubs)))

running_in = {}
for h in hubs:
    try:
        ident = getattr(h, "thread_ident", None)
        loop = h.loop
        it0, f0 = before.get(id(h), (None, None))
        it1 = after.get(id(h))
        f1, f2 = frames1.get(ident), frames2.get(ident)
        out.write("\nHub %s of %s%s\n" % (hex(id(h)), thread_label(ident), " [default loop]" if safe(lambda: loop.default) is True else ""))
        cbs = safe(lambda: len(loop._callbacks))
        out.write("  loop: %s backend, iteration %s -> %s in 0.2 s, %s pending callback(s), %s pending event(s)\n" % (
            safe(lambda: loop.backend), it0, it1, cbs, safe(lambda: loop.pendingcnt)))
        if safe(lambda: h.dead) is True:
            out.write("  the hub greenlet is DEAD: nothing will run greenlets of this thread\n")
            continue
        if f1 is None:
            out.write("  its thread has no Python frame right now (ended, or inside C code without a frame)\n")
            continue
        hub_current = h.gr_frame is None
        if hub_current:
            out.write("  the hub is the running greenlet of its thread (inside loop.run(): %s)\n" % (
                "the loop is turning" if it0 != it1 else "waiting for I/O or a timer"))
        else:
            cur = None
            for g in live:
                if safe(lambda: g.gr_frame) is None and active(g) and hub_of_root.get(id(root(g))) is h:
                    cur = g
            if cur is None:
                r = root(h)
                if r is not None and r.gr_frame is None:
                    cur = r
            label = gname(cur) if cur is not None else "a greenlet"
            running_in[id(h)] = cur
            stuck = f1 is f2 and safe(lambda: f1.f_lasti) == safe(lambda: f2.f_lasti) and it0 == it1
            if stuck:
                out.write("  HUB BLOCKED: for 0.2 s the loop did not turn and its thread stayed at the same instruction "
                          "of %s, which does not yield: every other greenlet of this thread is frozen\n" % label)
            else:
                out.write("  %s is running (the hub waits for it to yield)\n" % label)
            calls = [t + "()" for t, v, m in line_objects(f2) if callable(v) or m]
            if calls:
                out.write("    its current line calls: %s (a call that blocks in C never yields to the hub)\n" % ", ".join(calls[-3:]))
            f, n = f2, 0
            while f is not None and n < P["max_frames"]:
                out.write("      %s\n" % where(f))
                f = f.f_back
                n += 1
    except Exception as e:  # noqa: BLE001
        out.write("\nHub %s: <unreadable: %s: %s>\n" % (hex(id(h)), type(e).__name__, str(e)[:200]))


rows = []
for g in greenlets:
    try:
        st = gstate(g)
        if st == "dead" and not P["dead"]:
            continue
        frames = []
        f = g.gr_frame
        while f is not None and len(frames) < P["max_frames"] + 1:
            frames.append(f)
            f = f.f_back
        if st.startswith("running"):
            h = hub_of_root.get(id(root(g)))
            cur = sys._current_frames().get(getattr(h, "thread_ident", None)) if h is not None else None
            f = cur
            while f is not None and len(frames) < P["max_frames"] + 1:
                frames.append(f)
                f = f.f_back
        h = hub_of_root.get(id(root(g)))
        parent = safe(lambda: g.parent)
        prel = "hub" if parent is h and h is not None else ("none" if parent is None else gname(parent))
        wait = wait_of(g, frames) if st == "suspended" else None
        sig = (st, prel, tuple((safe(lambda: f.f_code), safe(lambda: f.f_lineno)) for f in frames), wait)
        rows.append((sig, g, st, prel, frames, wait, h, ("%s %s" % (gname(g), gfunc(g))).strip()))
    except Exception as e:  # noqa: BLE001 - a greenlet that finished while read
        rows.append(((id(g),), g, "<unreadable: %s>" % type(e).__name__, "?", [], None, None, gname(g)))

groups = {}
order = []
for row in rows:
    key = row[0] if P["group"] else id(row[1])
    if key not in groups:
        groups[key] = []
        order.append(key)
    groups[key].append(row)

out.write("\n")
for key in order[:P["max_greenlets"]]:
    members = groups[key]
    _, g, st, prel, frames, wait, h, label = members[0]
    if len(members) > 1:
        out.write("%d greenlets: %s\n" % (len(members), ", ".join(
            m[7] for m in members[:10]) + (", ..." if len(members) > 10 else "")))
    else:
        out.write("%s\n" % label)
    out.write("  state: %s; parent: %s; %s\n" % (st, prel, "in " + thread_label(getattr(h, "thread_ident", None))
                                                if h is not None else "thread unknown (no hub in its parent chain)"))
    if wait:
        out.write("  %s\n" % wait)
    for f in frames[:P["max_frames"]]:
        out.write("      %s\n" % where(f))
    if len(frames) > P["max_frames"]:
        out.write("      ... more frames (max_frames)\n")
if len(order) > P["max_greenlets"]:
    out.write("... %d more (max_greenlets)\n" % (len(order) - P["max_greenlets"]))

# ---- verdicts: greenlets waiting on what nothing alive can set, notify or complete ----
thaw_kit.judge(thaw_kit.greenlet_waits())
thaw_kit.report(out, "no greenlet waits without a timeout on an event, queue or result that nothing alive can end")
