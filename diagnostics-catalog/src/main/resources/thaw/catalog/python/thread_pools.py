# thaw-diagnostic
# {
#   "id": "py.thread_pools",
#   "runtime": "cpython",
#   "title": "ThreadPoolExecutors: workers, queue, starvation",
#   "question": "Which concurrent.futures thread pools exist, what is each worker running or waiting on, what is queued, and is a pool starved by its own tasks (or unsafe under gevent)?",
#   "params": {
#     "type": "object",
#     "properties": {
#       "max_items": {"type": "integer", "minimum": 0, "maximum": 10000, "default": 20, "description": "queued work items listed per pool"},
#       "max_frames": {"type": "integer", "minimum": 1, "maximum": 200, "default": 6, "description": "innermost frames shown per busy worker"},
#       "max_repr": {"type": "integer", "minimum": 10, "maximum": 2000, "default": 80, "description": "characters per argument"}
#     },
#     "additionalProperties": false
#   },
#   "mutating": false,
#   "cost": "one pass over gc.get_objects() to find the executors (tens of ms per million objects), then reads only: queue contents through gc.get_referents (a C SimpleQueue cannot be peeked otherwise), worker frames through sys._current_frames(); takes no lock"
# }
# Starvation verdict: a busy worker whose stack is in Future.result()/wait() on a future whose work
# item is still queued in the same pool waits for work only the pool itself can run; when every
# worker does that, nothing will ever run again. The gevent hazard: a pool created before
# monkey-patching keeps the C _queue.SimpleQueue; after patching, its workers are greenlets that
# block in that C get(), which blocks the hub's whole OS thread.
import gc
import reprlib
import sys

P = params
cft = sys.modules.get("concurrent.futures.thread")


where = thaw_kit.where


def brepr(v):
    try:
        r = reprlib.Repr()
        r.maxstring = r.maxother = r.maxlong = P["max_repr"]
        r.maxlevel = 2
        text = r.repr(v)
    except BaseException as e:  # noqa: BLE001 - a target's __repr__ may raise anything
        return "<repr failed: %s>" % type(e).__name__
    return text if len(text) <= P["max_repr"] else text[:P["max_repr"]] + "..."


def qualname(fn):
    try:
        mod = getattr(fn, "__module__", None) or ""
        name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
        if name is None:
            inner = getattr(fn, "func", None)   # functools.partial
            if inner is not None:
                return "partial(%s)" % qualname(inner)
            return brepr(fn)
        return "%s.%s" % (mod, name) if mod else name
    except Exception:  # noqa: BLE001
        return "<function unreadable>"


def task_of(item):
    """(fn, args, kwargs) of a _WorkItem (3.14+: item.task; older: fn/args/kwargs)."""
    task = getattr(item, "task", None)
    if isinstance(task, tuple) and len(task) == 3:
        return task
    return getattr(item, "fn", None), getattr(item, "args", ()), getattr(item, "kwargs", {})


def call_text(item):
    try:
        fn, args, kwargs = task_of(item)
        parts = [brepr(a) for a in list(args or ())[:6]]
        if args and len(args) > 6:
            parts.append("...")
        parts += ["%s=%s" % (k, brepr(v)) for k, v in list((kwargs or {}).items())[:6]]
        return "%s(%s)" % (qualname(fn), ", ".join(parts))
    except Exception as e:  # noqa: BLE001
        return "<work item unreadable: %s>" % type(e).__name__


def queued(q):
    """The items in an executor's work queue, oldest first, without taking any."""
    try:
        inner = getattr(q, "queue", None) or getattr(q, "_queue", None)   # queue.Queue, _PySimpleQueue, gevent
        if inner is not None and not callable(inner):
            return list(inner)
        return [x for x in gc.get_referents(q) if not isinstance(x, type)]   # C _queue.SimpleQueue
    except Exception:  # noqa: BLE001
        return []


def future_waits(frame):
    """Futures the thread waits on: Future.result()/exception() (self) or wait()/as_completed() (fs)."""
    f = frame
    n = 0
    while f is not None and n < 60:
        try:
            code = f.f_code
            if code.co_filename.replace("\\", "/").endswith("concurrent/futures/_base.py"):
                q = getattr(code, "co_qualname", code.co_name)
                if q in ("Future.result", "Future.exception"):
                    return q, [f.f_locals.get("self")], f.f_back
                if q in ("wait", "as_completed"):
                    return q, list(f.f_locals.get("fs") or ()), f.f_back
        except Exception:  # noqa: BLE001
            return None
        f = f.f_back
        n += 1
    return None


def worker_item(frame):
    """The work item a worker runs now (the `_worker` frame's work_item, or _WorkItem.run's self)."""
    f = frame
    while f is not None:
        try:
            code = f.f_code
            if code.co_filename.replace("\\", "/").endswith("concurrent/futures/thread.py"):
                if code.co_name == "run" and "self" in f.f_locals and hasattr(f.f_locals["self"], "future"):
                    return f.f_locals["self"], f
                if code.co_name == "_worker":
                    return f.f_locals.get("work_item"), f
        except Exception:  # noqa: BLE001
            return None, None
        f = f.f_back
    return None, None


def patched():
    monkey = sys.modules.get("gevent.monkey")
    try:
        return monkey is not None and monkey.is_module_patched("threading")
    except Exception:  # noqa: BLE001
        return False


if cft is None:
    out.write("No ThreadPoolExecutor: concurrent.futures.thread is not imported in this process.\n")
    thaw_kit.report(out, "no ThreadPoolExecutor")
    raise SystemExit(0)

Executor = cft.ThreadPoolExecutor
pools = []
for o in gc.get_objects():
    try:
        if isinstance(o, Executor):
            pools.append(o)
    except Exception:  # noqa: BLE001
        continue
frames = sys._current_frames()
gevent_patched = patched()

# every queued item of every pool: future -> (pool, item)
queued_in = {}
pool_items = {}
for pool in pools:
    items = queued(getattr(pool, "_work_queue", None))
    pool_items[id(pool)] = items
    for it in items:
        fut = getattr(it, "future", None)
        if fut is not None:
            queued_in[id(fut)] = (pool, it)

names = {}
seen = set()
for mname, mod in list(sys.modules.items()):
    if id(mod) in seen:   # __mp_main__ is __main__
        continue
    seen.add(id(mod))
    try:
        for k, v in list(object.__getattribute__(mod, "__dict__").items()):
            if isinstance(v, Executor):
                names.setdefault(id(v), []).append("%s.%s" % (mname, k))
    except Exception:  # noqa: BLE001
        continue

out.write("%d ThreadPoolExecutor(s)%s\n" % (len(pools), "; gevent monkey-patching is active" if gevent_patched else ""))
for pool in pools:
    try:
        prefix = getattr(pool, "_thread_name_prefix", "") or ""
        threads = list(getattr(pool, "_threads", ()) or ())
        maxw = getattr(pool, "_max_workers", "?")
        q = getattr(pool, "_work_queue", None)
        items = pool_items.get(id(pool), [])
        real = [it for it in items if it is not None]
        flags = []
        if getattr(pool, "_shutdown", False):
            flags.append("shut down")
        if getattr(pool, "_broken", False):
            flags.append("broken: %s" % getattr(pool, "_broken"))
        label = "'%s'%s" % (prefix or hex(id(pool)), " (%s)" % names[id(pool)][0] if names.get(id(pool)) else "")
        out.write("\nPool %s%s at %s: max_workers=%s, %d worker thread(s), %d item(s) queued%s\n" % (
            "'%s'" % prefix if prefix else "(no name prefix)",
            " (%s)" % ", ".join(names.get(id(pool), [])[:3]) if names.get(id(pool)) else "",
            hex(id(pool)), maxw, len(threads), len(real), "; " + "; ".join(flags) if flags else ""))
        try:
            out.write("  work queue: %s.%s, %d item(s)\n" % (type(q).__module__, type(q).__qualname__, len(items)))
        except Exception:  # noqa: BLE001
            pass
        busy = starving = 0
        for t in threads:
            try:
                ident = t.ident
                fr = frames.get(ident)
                alive = t.is_alive()
                head = "  worker %s (%s%s)" % (t.name, "alive" if alive else "finished",
                                              ", native id %s" % t.native_id if getattr(t, "native_id", None) else "")
                if fr is None:
                    if alive and gevent_patched:
                        out.write(head + ": not an OS thread of its own (a greenlet: started after monkey-patching)\n")
                    else:
                        out.write(head + ": no Python frame\n")
                    continue
                item, wf = worker_item(fr)
                if item is None:
                    out.write(head + ": idle, waiting for work at %s\n" % where(fr))
                    continue
                busy += 1
                out.write(head + ": running %s\n" % call_text(item))
                f, n = fr, 0
                while f is not None and f is not wf and n < P["max_frames"]:
                    out.write("      %s\n" % where(f))
                    f = f.f_back
                    n += 1
                w = future_waits(fr)
                if w is not None:
                    how, futs, caller = w
                    for fut in futs[:10]:
                        hit = queued_in.get(id(fut))
                        st = getattr(fut, "_state", "?")
                        if hit is not None:
                            other, it = hit
                            same = other is pool
                            if same:
                                starving += 1
                            out.write("    waits in %s on a %s future of %s, still QUEUED in %s\n" % (
                                how, st.lower(), call_text(it), "THIS SAME POOL" if same
                                else "pool '%s'" % (getattr(other, "_thread_name_prefix", "") or hex(id(other)))))
                        else:
                            out.write("    waits in %s on a %s future (%s)\n" % (how, st.lower(), hex(id(fut))))
            except Exception as e:  # noqa: BLE001 - a worker that ended while read
                out.write("  worker <unreadable: %s>\n" % type(e).__name__)
        for n, it in enumerate(real[:P["max_items"]]):
            try:
                fut = getattr(it, "future", None)
                out.write("  queued #%d: %s (future %s)\n" % (n + 1, call_text(it), getattr(fut, "_state", "?").lower()))
            except Exception:  # noqa: BLE001
                out.write("  queued #%d: <unreadable>\n" % (n + 1))
        if len(real) > P["max_items"]:
            out.write("  ... %d more queued\n" % (len(real) - P["max_items"]))
        if items and len(real) < len(items):
            out.write("  %d shutdown sentinel(s) queued\n" % (len(items) - len(real)))
        # verdicts
        full = isinstance(maxw, int) and len(threads) >= maxw
        if starving and starving == busy and full and busy == len(threads):
            thaw_kit.verdict("pool-starvation", "pool %s is starved: all %d workers wait on futures whose work items "
                             "are queued in this same pool, so nothing can run them (a deadlock)" % (label, busy),
                             ["%d worker(s), max_workers=%s, %d item(s) queued" % (len(threads), maxw, len(real))] +
                             ["queued: %s" % call_text(it) for it in real[:3]],
                             "a separate pool for the inner tasks, or do not wait inside a task of the pool", label)
            out.write("  STARVED: all %d workers wait on futures whose work items are queued in this same pool; "
                      "nothing can run them (deadlock). Fix: a separate pool for the inner tasks, or do not wait "
                      "inside a task of the pool.\n" % busy)
        elif starving:
            out.write("  STARVATION RISK: %d of %d workers wait on futures queued in this same pool\n" % (
                starving, len(threads)))
        elif full and busy == len(threads) and real:
            out.write("  saturated: every worker is busy and %d item(s) wait\n" % len(real))
        if gevent_patched and type(q).__module__ == "_queue":
            thaw_kit.verdict("captured-before-patching", "pool %s was created before gevent monkey-patching: its "
                             "work queue is the C _queue.SimpleQueue, whose get() blocks the hub's whole OS thread "
                             "once its workers are greenlets" % label, ["work queue: _queue.SimpleQueue"],
                             "create the pool after patch_all(), or use gevent.threadpool.ThreadPoolExecutor", label)
            out.write("  GEVENT HAZARD: this pool's work queue is the C _queue.SimpleQueue, so the pool was created "
                      "before gevent monkey-patching; workers started after patching are greenlets blocking in its "
                      "C get(), which blocks their hub's whole OS thread. Create the pool after patch_all(), or use "
                      "gevent.threadpool.ThreadPoolExecutor.\n")
    except Exception as e:  # noqa: BLE001
        out.write("\nPool %s: <unreadable: %s: %s>\n" % (hex(id(pool)), type(e).__name__, str(e)[:200]))

thaw_kit.report(out, "no pool whose workers all wait on work queued in the same pool, none created before gevent patching")
