# thaw-diagnostic
# {
#   "id": "py.gevent_patching",
#   "runtime": "cpython",
#   "title": "gevent monkey-patching and its hazards",
#   "question": "Is gevent monkey-patching active and what did it patch, which threads are real OS threads and which are greenlets, and which objects created before patching (thread pools with a C queue, real locks, conditions, queues) are now used under gevent?",
#   "params": {
#     "type": "object",
#     "properties": {
#       "include_stdlib": {"type": "boolean", "default": false, "description": "also list hazards held by standard-library modules (they are counted either way)"},
#       "max_items": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 50, "description": "hazards listed"}
#     },
#     "additionalProperties": false
#   },
#   "requires": "gevent",
#   "mutating": false,
#   "cost": "reads gevent.monkey's records, the globals of every loaded module (and the attributes of module-level objects, one level deep) and one pass over gc.get_objects() for thread pools and hubs; takes no lock, creates no hub"
# }
# What counts as "created before patching": a lock whose type is the original _thread.lock or
# _thread.RLock (after patch_all(), threading.Lock() makes gevent locks), a Condition/Event/Semaphore/
# queue.Queue whose inner lock is such a lock, a C _queue.SimpleQueue, a ThreadPoolExecutor whose
# work queue is one. A greenlet that blocks on any of them blocks its hub's whole OS thread; the
# worst case is the pool: its workers, started after patching, are greenlets that block in the C
# get() of its queue (the gevent + thread-pool hang, which no injection can reach).
import gc
import sys
import threading

P = params
gevent = sys.modules.get("gevent")
if gevent is None:
    out.write("gevent is not imported in this process: no monkey-patching, nothing to check.\n")
    thaw_kit.report(out, "gevent is not imported")
    raise SystemExit(0)
monkey = sys.modules.get("gevent.monkey")
hubmod = sys.modules.get("gevent.hub")
Hub = getattr(hubmod, "Hub", None)
greenlet_mod = sys.modules.get("greenlet")


safe = thaw_kit.safe


where = thaw_kit.where


real_ident = thaw_kit.real_ident


out.write("gevent %s (greenlet %s) is imported\n" % (getattr(gevent, "__version__", "?"),
                                                    getattr(greenlet_mod, "__version__", "?")))
anything = False
if monkey is None:
    out.write("gevent.monkey is not imported: nothing is monkey-patched\n")
else:
    anything = safe(monkey.is_anything_patched) is True
    out.write("monkey-patching: %s\n" % ("ACTIVE" if anything else "not active"))
    saved = {}
    try:
        saved = dict(getattr(monkey, "saved", {}) or {})
    except Exception:  # noqa: BLE001
        pass
    for mod, items in sorted(saved.items()):
        if mod.startswith("_gevent_saved"):
            continue
        try:
            names = sorted(items)
            out.write("  patched %s: %s%s\n" % (mod, ", ".join(names[:12]), ", ..." if len(names) > 12 else ""))
        except Exception:  # noqa: BLE001
            continue
    checks = ["threading", "_thread", "socket", "time", "select", "selectors", "queue", "subprocess", "ssl", "os",
              "signal", "builtins", "sys", "contextvars"]
    out.write("  is_module_patched: %s\n" % ", ".join(
        "%s=%s" % (m, "yes" if safe(monkey.is_module_patched, m) is True else "no") for m in checks))

# ---- real OS threads vs greenlets ----
me = real_ident()
frames = sys._current_frames()
hubs, greenlets, pools = [], [], []
cft = sys.modules.get("concurrent.futures.thread")
Executor = getattr(cft, "ThreadPoolExecutor", None) if cft is not None else None
for o in gc.get_objects():
    try:
        if greenlet_mod is not None and isinstance(o, greenlet_mod.greenlet):
            (hubs if Hub is not None and isinstance(o, Hub) else greenlets).append(o)
        elif Executor is not None and isinstance(o, Executor):
            pools.append(o)
    except Exception:  # noqa: BLE001
        continue


def root(g):
    n = 0
    while g is not None and getattr(g, "parent", None) is not None and n < 1000:
        g = g.parent
        n += 1
    return g


hub_by_ident = {getattr(h, "thread_ident", None): h for h in hubs}
per_hub = {}
for g in greenlets:
    r = root(g)
    for h in hubs:
        if root(h) is r:
            per_hub[id(h)] = per_hub.get(id(h), 0) + 1
threads = {}
try:
    threads = dict(threading._active)
except Exception:  # noqa: BLE001
    pass
main_ident = getattr(hubmod, "MAIN_THREAD_IDENT", None)
out.write("\nReal OS threads: %d (this diagnostic's own thread left out)\n" % (len(frames) - 1))
for ident, f in frames.items():
    if ident == me:
        continue
    t = threads.get(ident)
    if t is not None:
        name = t.name
    elif ident == main_ident:
        name = "MainThread"
    else:
        name = "(not a threading.Thread: started with the original start_new_thread)"
    h = hub_by_ident.get(ident)
    hub = "hub %s with %d greenlet(s)" % (hex(id(h)), per_hub.get(id(h), 0)) if h is not None else "no hub"
    out.write("  %s, ident %d: %s; now at %s\n" % (name, ident, hub, where(f)))
green_threads = []
for ident, t in threads.items():
    try:
        if ident not in frames and t.is_alive() and not type(t).__name__.startswith("_DummyThread"):
            if t is threading.main_thread():
                continue
            green_threads.append(t)
    except Exception:  # noqa: BLE001
        continue
out.write("threading.Thread objects that run as greenlets (started after patching): %d%s\n" % (
    len(green_threads), "" if not green_threads else ": " + ", ".join(t.name for t in green_threads[:20])))
out.write("greenlets: %d in %d hub(s)\n" % (len(greenlets), len(hubs)))

# ---- hazards ----
stdlib = set(getattr(sys, "stdlib_module_names", ()))
OWN = ("gevent", "greenlet", "zope")


def is_app(modname):
    top = modname.split(".")[0]
    return modname == "__main__" or (top not in stdlib and not top.startswith(OWN) and not top.startswith("_"))


def real_lock(obj):
    t = type(obj)
    return getattr(t, "__module__", "") == "_thread" and t.__name__ in ("lock", "RLock")


def hazard(obj):
    """Why this object is a pre-patching hazard, or None."""
    try:
        t = type(obj)
        mod, name = getattr(t, "__module__", ""), t.__name__
        if real_lock(obj):
            return ("a real _thread.%s (created before patching): a greenlet that blocks on it blocks its hub's "
                    "whole OS thread, and deadlocks if another greenlet of the same thread holds it" % name)
        if mod == "_queue" and name == "SimpleQueue":
            return "a C _queue.SimpleQueue: its get() blocks the whole OS thread, never yields to the hub"
        if Executor is not None and isinstance(obj, Executor):
            q = getattr(obj, "_work_queue", None)
            if type(q).__module__ == "_queue":
                return ("its work queue is the C _queue.SimpleQueue (the pool was created before patching): workers "
                        "started now are greenlets that block their hub's OS thread in its C get() - the gevent + "
                        "thread-pool hang; %d worker(s) so far" % len(getattr(obj, "_threads", ()) or ()))
            return None
        inner = None
        if isinstance(obj, threading.Condition):
            inner = getattr(obj, "_lock", None)
        elif isinstance(obj, (threading.Event, threading.Semaphore, threading.Barrier)):
            inner = getattr(getattr(obj, "_cond", None), "_lock", None)
        else:
            qm = sys.modules.get("queue")
            if qm is not None and isinstance(obj, qm.Queue):
                inner = getattr(obj, "mutex", None)
        if inner is not None and real_lock(inner):
            return ("a %s.%s built on a real _thread.%s (created before patching): waiting on it blocks the hub's "
                    "whole OS thread" % (mod, t.__qualname__, type(inner).__name__))
    except Exception:  # noqa: BLE001
        return None
    return None


found = []      # (label, why, app?)
seen = set()
mods_seen = set()
for modname, mod in list(sys.modules.items()):
    if id(mod) in mods_seen or mod is None:
        continue
    mods_seen.add(id(mod))
    try:
        items = list(object.__getattribute__(mod, "__dict__").items())
    except Exception:  # noqa: BLE001
        continue
    app = is_app(modname)
    for k, v in items:
        try:
            why = hazard(v)
            if why and id(v) not in seen:
                seen.add(id(v))
                found.append(("%s.%s" % (modname, k), v, why, app))
            # one level into module-level instances of application classes (not into a hazard itself)
            if app and not why and not isinstance(v, type) and not callable(v) and hasattr(v, "__dict__"):
                d = object.__getattribute__(v, "__dict__")
                if isinstance(d, dict):
                    for ak, av in list(d.items())[:200]:
                        why = hazard(av)
                        if why and id(av) not in seen:
                            seen.add(id(av))
                            found.append(("%s.%s.%s" % (modname, k, ak), av, why, app))
        except Exception:  # noqa: BLE001
            continue
for p in pools:
    why = hazard(p)
    if why and id(p) not in seen:
        seen.add(id(p))
        found.append(("ThreadPoolExecutor %s (no module global refers to it)" % hex(id(p)), p, why, True))

app_items = [x for x in found if x[3]]
std_items = [x for x in found if not x[3]]
shown = app_items + (std_items if P["include_stdlib"] else [])
if not anything:
    out.write("\nNo hazards to report: nothing is monkey-patched (%d object(s) would matter if it were).\n" % len(found))
else:
    out.write("\nHazards: objects created before monkey-patching, now used under gevent: %d in application modules, "
              "%d in standard-library modules%s\n" % (len(app_items), len(std_items),
                                                      "" if P["include_stdlib"] or not std_items else
                                                      " (include_stdlib=true lists them)"))
    for label, obj, why, app in shown[:P["max_items"]]:
        extra = ""
        if getattr(type(obj), "__name__", "") == "ThreadPoolExecutor":
            extra = " (thread_name_prefix %r)" % (getattr(obj, "_thread_name_prefix", "") or "")
        out.write("  HAZARD `%s`%s: %s\n" % (label, extra, why))
    if len(shown) > P["max_items"]:
        out.write("  ... %d more (max_items)\n" % (len(shown) - P["max_items"]))

# ---- names bound before patching: functions and classes that gevent has since replaced ----
# monkey.saved holds every original it replaced; an application global (or a class's base) that IS
# one of them was bound before patch_all(): `from _thread import start_new_thread`, `from time import
# sleep`, `class Conn(socket.socket)`. Calling it does what it did before patching: a real thread, a
# sleep or select that blocks the hub's whole OS thread.
originals = {}
if monkey is not None:
    try:
        for mod, items in dict(getattr(monkey, "saved", {}) or {}).items():
            if mod.startswith("_gevent_saved"):
                continue
            for k, v in dict(items).items():
                if callable(v):
                    originals[id(v)] = (v, "%s.%s" % (mod, k))
    except Exception:  # noqa: BLE001
        pass
captured = []
for modname, mod in list(sys.modules.items()):
    if not anything or not is_app(modname):
        continue
    try:
        items = list(object.__getattribute__(mod, "__dict__").items())
    except Exception:  # noqa: BLE001
        continue
    for k, v in items:
        try:
            hit = originals.get(id(v))
            if hit is not None and hit[0] is v:
                captured.append(("%s.%s" % (modname, k), "is the original %s" % hit[1]))
            elif isinstance(v, type) and getattr(v, "__module__", None) == modname:
                for base in v.__mro__[1:]:
                    b = originals.get(id(base))
                    if b is not None and b[0] is base:
                        captured.append(("%s.%s" % (modname, k), "subclasses the original %s" % b[1]))
                        break
        except Exception:  # noqa: BLE001
            continue
if captured:
    out.write("\nBound before patching (application globals that are originals gevent has since replaced): %d\n"
              % len(captured))
    for label, why in captured[:P["max_items"]]:
        out.write("  CAPTURED `%s` %s\n" % (label, why))
    thaw_kit.verdict("captured-before-patching",
                     "%d application name(s) were bound before gevent monkey-patching and still call the blocking "
                     "originals: %s" % (len(captured), ", ".join(c[0] for c in captured[:5])),
                     ["`%s` %s" % c for c in captured[:10]],
                     "call monkey.patch_all() first thing, before any other import (import modules, not names: "
                     "`import time; time.sleep()` follows the patch, `from time import sleep` does not)",
                     captured[0][0])
for label, obj, why, app in app_items if anything else []:
    thaw_kit.verdict("captured-before-patching", "`%s` was created before gevent monkey-patching: %s" % (label, why),
                     ["type %s.%s" % (type(obj).__module__, type(obj).__qualname__)],
                     "create it after patch_all() (call patch_all() first thing, before any other import)", label)
thaw_kit.report(out, "nothing is patched" if not anything else
                "no application global is an original gevent replaced, no application object was created before patching")
