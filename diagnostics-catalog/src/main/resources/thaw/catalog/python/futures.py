# thaw-diagnostic
# {
#   "id": "py.futures",
#   "runtime": "cpython",
#   "title": "Pending futures and who waits on them",
#   "question": "Which concurrent.futures and asyncio futures are still pending, what would complete each (a queued or running thread-pool work item, a task, a loop callback, nothing known), and which threads, tasks and callbacks wait on it?",
#   "params": {
#     "type": "object",
#     "properties": {
#       "max_futures": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 50, "description": "futures listed (those with waiters first)"},
#       "include_tasks": {"type": "boolean", "default": false, "description": "list pending asyncio Tasks too (py.asyncio_tasks shows them with their await chains)"},
#       "max_repr": {"type": "integer", "minimum": 10, "maximum": 2000, "default": 80, "description": "characters per argument shown"}
#     },
#     "additionalProperties": false
#   },
#   "mutating": false,
#   "cost": "one pass over gc.get_objects() (tens of ms per million objects); reads futures, queues (through gc.get_referents) and frames; calls no future method that could block and takes no lock"
# }
# Waiters are matched by identity: a thread whose stack is in concurrent.futures Future.result() or
# exception() (frame local `self`) or wait()/as_completed() (local `fs`); an asyncio task whose
# _fut_waiter is the future; every done-callback is named (a task's wake-up, a chained future).
# A future that nothing known will complete (no work item, no chained source, no loop callback or
# timer refers to it) is said so: that is what a lost wake-up looks like.
import gc
import reprlib
import sys
import threading

P = params
cfb = sys.modules.get("concurrent.futures._base")
cft = sys.modules.get("concurrent.futures.thread")
asyncio = sys.modules.get("asyncio")
if cfb is None and asyncio is None:
    out.write("Neither concurrent.futures nor asyncio is imported in this process: no futures.\n")
    thaw_kit.report(out, "no futures")
    raise SystemExit(0)
CFuture = getattr(cfb, "Future", None)
AFuture = getattr(asyncio, "Future", None) if asyncio is not None else None
ATask = getattr(asyncio, "Task", None) if asyncio is not None else None
WorkItem = getattr(cft, "_WorkItem", None) if cft is not None else None
Executor = getattr(cft, "ThreadPoolExecutor", None) if cft is not None else None


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
        s = getattr(fn, "__self__", None)
        if s is not None and ATask is not None and isinstance(s, ATask):
            return "%s (wakes task %r)" % (name, safe(s.get_name))
        mod = getattr(fn, "__module__", None)
        return "%s.%s" % (mod, name) if mod and s is None else name
    except Exception:  # noqa: BLE001
        return "<callable unreadable>"


def coro_name(coro):
    try:
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        return getattr(code, "co_qualname", code.co_name) + "()" if code is not None else type(coro).__qualname__
    except Exception:  # noqa: BLE001
        return "<coroutine unreadable>"


def call_text(item):
    try:
        task = getattr(item, "task", None)
        fn, args, kwargs = task if isinstance(task, tuple) and len(task) == 3 else (
            getattr(item, "fn", None), getattr(item, "args", ()), getattr(item, "kwargs", {}))
        parts = [brepr(a) for a in list(args or ())[:6]] + ["%s=%s" % (k, brepr(v))
                                                             for k, v in list((kwargs or {}).items())[:6]]
        return "%s(%s)" % (qualname(fn), ", ".join(parts))
    except Exception as e:  # noqa: BLE001
        return "<work item unreadable: %s>" % type(e).__name__


def refs(cb):
    res = []
    try:
        if asyncio is not None and isinstance(cb, asyncio.Handle):
            return [cb._callback] + refs(cb._callback) + list(cb._args or ())
        s = getattr(cb, "__self__", None)
        if s is not None:
            res.append(s)
        for cell in getattr(cb, "__closure__", None) or ():
            try:
                res.append(cell.cell_contents)
            except ValueError:
                pass
        if getattr(cb, "func", None) is not None:
            res += [cb.func] + list(getattr(cb, "args", ()) or ())
    except Exception:  # noqa: BLE001
        pass
    return res


def callbacks(fut):
    try:
        if AFuture is not None and isinstance(fut, AFuture):
            return [c[0] if isinstance(c, tuple) else c for c in (fut._callbacks or [])]
        return list(getattr(fut, "_done_callbacks", []) or [])
    except Exception:  # noqa: BLE001
        return []


def pending(fut):
    try:
        return fut._state in ("PENDING", "RUNNING")
    except Exception:  # noqa: BLE001
        return False


# ---- gather ----
cfuts, afuts, tasks, items, pools, loops = [], [], [], {}, [], []
for o in gc.get_objects():
    try:
        if CFuture is not None and isinstance(o, CFuture):
            if pending(o):
                cfuts.append(o)
        elif ATask is not None and isinstance(o, ATask):
            tasks.append(o)
        elif AFuture is not None and isinstance(o, AFuture):
            if pending(o):
                afuts.append(o)
        elif WorkItem is not None and isinstance(o, WorkItem):
            items[id(o.future)] = o
        elif Executor is not None and isinstance(o, Executor):
            pools.append(o)
        elif asyncio is not None and isinstance(o, asyncio.AbstractEventLoop):
            loops.append(o)
    except Exception:  # noqa: BLE001
        continue

threads = {}
try:
    threads = dict(threading._active)
except Exception:  # noqa: BLE001
    pass


def tname(ident):
    t = threads.get(ident)
    return t.name if t is not None else "ident %d" % ident


queued_at = {}   # id(future) -> (pool, position, total)
for pool in pools:
    try:
        q = pool._work_queue
        inner = getattr(q, "queue", None) or getattr(q, "_queue", None)
        content = list(inner) if inner is not None and not callable(inner) else [
            x for x in gc.get_referents(q) if not isinstance(x, type)]
        content = [x for x in content if x is not None]
        for n, it in enumerate(content):
            fut = getattr(it, "future", None)
            if fut is not None:
                queued_at[id(fut)] = (pool, n + 1, len(content))
    except Exception:  # noqa: BLE001
        continue

running_on = {}  # id(future) -> thread ident running its work item
waiters = {}     # id(future) -> [(ident, how, caller frame, timeout)]
frame_names = {}  # id(object) -> local names in waiting frames
for ident, top in list(sys._current_frames().items()):
    f, n = top, 0
    try:
        while f is not None and n < 80:
            code = f.f_code
            fn = code.co_filename.replace("\\", "/")
            if fn.endswith("concurrent/futures/_base.py"):
                q = getattr(code, "co_qualname", code.co_name)
                loc = f.f_locals
                if q in ("Future.result", "Future.exception"):
                    fut = loc.get("self")
                    waiters.setdefault(id(fut), []).append((ident, q, f.f_back, loc.get("timeout")))
                elif q in ("wait", "as_completed"):
                    for fut in list(loc.get("fs") or ()):
                        waiters.setdefault(id(fut), []).append((ident, q, f.f_back, loc.get("timeout")))
            elif fn.endswith("concurrent/futures/thread.py"):
                loc = f.f_locals
                it = loc.get("self") if code.co_name == "run" else loc.get("work_item") if code.co_name == "_worker" else None
                if it is not None and hasattr(it, "future"):
                    running_on.setdefault(id(it.future), ident)
            elif code.co_name != "<module>" and (fn.startswith("<") or "/site-packages/" in fn
                                                 or "/dist-packages/" in fn or "/lib/python" not in fn):
                try:
                    for k, v in list(f.f_locals.items()):
                        frame_names.setdefault(id(v), []).append("%s (local of %s)" % (k, code.co_name))
                except Exception:  # noqa: BLE001
                    pass
            f = f.f_back
            n += 1
    except Exception:  # noqa: BLE001 - the thread moved on while read
        continue

global_names = {}
seen = set()
for mname, mod in list(sys.modules.items()):
    if id(mod) in seen:
        continue
    seen.add(id(mod))
    try:
        for k, v in list(object.__getattribute__(mod, "__dict__").items()):
            if (CFuture is not None and isinstance(v, CFuture)) or (AFuture is not None and isinstance(v, AFuture)):
                global_names.setdefault(id(v), []).append("%s.%s" % (mname, k))
    except Exception:  # noqa: BLE001
        continue

# chains (asyncio.futures._chain_future): the source's "_call_set_state" callback holds the destination
sets_from = {}   # id(destination) -> source future
for fut in cfuts + afuts + tasks:
    for cb in callbacks(fut):
        if getattr(cb, "__name__", "") == "_call_set_state":
            for r in refs(cb):
                if (CFuture is not None and isinstance(r, CFuture)) or (AFuture is not None and isinstance(r, AFuture)):
                    sets_from[id(r)] = fut
loop_refs = {}   # id(future) -> description of the loop callback/timer that refers to it
for loop in loops:
    try:
        for h in list(getattr(loop, "_ready", []) or []):
            rs = refs(h)
            coros = [coro_name(r) for r in rs if hasattr(r, "cr_code")]
            for r in rs:
                loop_refs.setdefault(id(r), "a callback in the ready queue of loop %s (%s%s)" % (
                    hex(id(loop)), qualname(getattr(h, "_callback", None)),
                    ", coroutine " + ", ".join(coros) if coros else ""))
        for h in list(getattr(loop, "_scheduled", []) or []):
            for r in refs(h):
                loop_refs.setdefault(id(r), "a timer of loop %s (asyncio.sleep or call_later)" % hex(id(loop)))
    except Exception:  # noqa: BLE001
        continue


def label(fut):
    names = frame_names.get(id(fut), []) + global_names.get(id(fut), [])
    return " ".join("`%s`" % n for n in names[:3])


def short_future(fut):
    if ATask is not None and isinstance(fut, ATask):
        return "task %r (%s)" % (safe(fut.get_name), coro_name(safe(fut.get_coro)))
    kind = "asyncio.Future" if AFuture is not None and isinstance(fut, AFuture) else "concurrent.futures.Future"
    return " ".join(x for x in (kind, hex(id(fut)), label(fut)) if x)


def producer(fut):
    """What will complete this future, as far as can be seen."""
    if ATask is not None and isinstance(fut, ATask):
        return "its coroutine %s" % coro_name(safe(fut.get_coro))
    it = items.get(id(fut))
    if it is not None:
        if id(fut) in running_on:
            return "work item %s, RUNNING on thread %s" % (call_text(it), tname(running_on[id(fut)]))
        if id(fut) in queued_at:
            pool, pos, total = queued_at[id(fut)]
            return "work item %s, QUEUED in pool '%s' (position %d of %d)" % (
                call_text(it), getattr(pool, "_thread_name_prefix", "") or hex(id(pool)), pos, total)
        return "work item %s (neither queued nor running: its pool may be gone)" % call_text(it)
    src = sets_from.get(id(fut))
    if src is not None:
        return "chained from %s (%s)" % (short_future(src), safe(lambda: src._state.lower()))
    if id(fut) in loop_refs:
        return loop_refs[id(fut)]
    return None


rows = []
for fut in cfuts + afuts + ([t for t in tasks if pending(t)] if P["include_tasks"] else []):
    if id(fut) in loop_refs and loop_refs[id(fut)].startswith("a timer") and not waiters.get(id(fut)):
        # an asyncio.sleep: counted, not listed
        continue
    awaiting = [t for t in tasks if getattr(t, "_fut_waiter", None) is fut]
    rows.append((fut, awaiting))
rows.sort(key=lambda r: (not (waiters.get(id(r[0])) or r[1]), short_future(r[0])))
sleeps = sum(1 for f in afuts if id(f) in loop_refs and loop_refs[id(f)].startswith("a timer"))

out.write("Pending futures: %d concurrent.futures, %d asyncio (%d of them sleeps/timers, not listed)%s\n" % (
    len(cfuts), len(afuts), sleeps,
    "" if P["include_tasks"] else "; pending asyncio Tasks not listed (include_tasks=true, or py.asyncio_tasks)"))
for fut, awaiting in rows[:P["max_futures"]]:
    try:
        out.write("\n%s: %s\n" % (short_future(fut), safe(lambda: fut._state.lower())))
        if AFuture is not None and isinstance(fut, AFuture):
            out.write("  loop: %s\n" % hex(id(safe(fut.get_loop))))
        p = producer(fut)
        out.write("  completed by: %s\n" % (p or "NOTHING KNOWN (no work item, chained source, loop callback or timer refers to it)"))
        who = ["thread %s" % tname(w[0]) for w in waiters.get(id(fut), [])] + [
            "task %r" % safe(t.get_name) for t in awaiting]
        # a task in asyncio.Event/Queue/Lock.wait awaits the primitive's own waiter future: the primitive
        # completes it, and py.asyncio_tasks judges the primitive
        in_primitive = any(thaw_kit.waiting_on(t) is not None for t in awaiting)
        if p is None and who and not in_primitive and not any(w[3] is not None for w in waiters.get(id(fut), [])):
            users = thaw_kit.live_users(fut, skip=[w[0] for w in waiters.get(id(fut), [])] + awaiting)
            if users:
                out.write("  may still be completed by: %s\n" % "; ".join(users[:3]))
            else:
                thaw_kit.verdict("nothing-will-complete", "%s waits on %s, which nothing alive can complete" % (
                    ", ".join(who[:5]), short_future(fut)),
                    ["no work item, chained future, loop callback or timer refers to it",
                     "no other live thread, task or greenlet has it in a local or runs code that still reads it",
                     "waited on without a timeout"],
                    "the producer ended or died before set_result(): complete futures in a finally: block (with "
                    "set_exception on failure), and wait with a timeout", short_future(fut))
        for ident, how, caller, timeout in waiters.get(id(fut), []):
            out.write("  waited on by thread %s in %s%s, called from %s\n" % (
                tname(ident), how, "" if timeout is None else " (timeout %s s, in a loop?)" % timeout,
                where(caller) if caller is not None else "?"))
        for t in awaiting:
            out.write("  awaited by task %r (%s)\n" % (safe(t.get_name), coro_name(safe(t.get_coro))))
        for cb in callbacks(fut):
            name = getattr(cb, "__name__", "")
            extra = ""
            if name == "_call_set_state":
                dest = [r for r in refs(cb) if r is not fut and ((CFuture is not None and isinstance(r, CFuture))
                                                                 or (AFuture is not None and isinstance(r, AFuture)))]
                if dest:
                    extra = ": sets %s" % short_future(dest[0])
                    aw = [t for t in tasks if getattr(t, "_fut_waiter", None) is dest[0]]
                    if aw:
                        extra += ", awaited by task %r" % safe(aw[0].get_name)
            elif name == "_call_check_cancel":
                continue  # only propagates cancellation back to the source
            out.write("  callback: %s%s\n" % (qualname(cb), extra))
        try:
            w = getattr(fut, "_waiters", None)
            if w:
                out.write("  %d wait()/as_completed() waiter(s) registered\n" % len(w))
        except Exception:  # noqa: BLE001
            pass
    except Exception as e:  # noqa: BLE001 - completed or collected while read
        out.write("\n<future unreadable: %s>\n" % type(e).__name__)
if len(rows) > P["max_futures"]:
    out.write("\n... %d more (max_futures)\n" % (len(rows) - P["max_futures"]))

thaw_kit.report(out, "every pending future that something waits on has a producer or a live referrer, or is waited on with a timeout")
