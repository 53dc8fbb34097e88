# thaw-diagnostic
# {
#   "id": "py.asyncio_tasks",
#   "runtime": "cpython",
#   "title": "asyncio event loops, tasks and await chains",
#   "question": "Which asyncio event loops exist, on which thread, is any loop blocked inside a synchronous call (by itself), and what is every task awaiting, through which await chain?",
#   "params": {
#     "type": "object",
#     "properties": {
#       "max_tasks": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 100, "description": "tasks listed per loop"},
#       "max_chain": {"type": "integer", "minimum": 1, "maximum": 200, "default": 12, "description": "await-chain frames shown per task"},
#       "samples": {"type": "integer", "minimum": 1, "maximum": 20, "default": 3, "description": "looks at each running loop's thread, 100 ms apart, to tell a blocked loop from a busy one"},
#       "max_repr": {"type": "integer", "minimum": 10, "maximum": 2000, "default": 80, "description": "characters per value shown"}
#     },
#     "additionalProperties": false
#   },
#   "mutating": false,
#   "cost": "one pass over gc.get_objects() (loops, tasks, futures; tens of ms per million objects), then (samples - 1) x 100 ms of sleeping on its own thread; reads tasks and frames only, takes no lock"
# }
# Reading tasks from another thread. asyncio.all_tasks(loop) is retried on RuntimeError (the task set
# changed while read) and completed with the tasks gc finds. Await chains come from
# asyncio.capture_call_graph(task) (3.14+; from a thread without a running loop it walks the
# suspended coroutines' cr_await chain) or, failing that, the same walk done here.
# A blocked loop. A running loop's thread is normally inside the selector's select(). If in every
# sample it is instead inside a callback or a task step, at the same instruction of the same frame,
# the loop is blocked by a synchronous call; when that call is Future.result()/wait() on a future that
# only this loop could complete (a run_coroutine_threadsafe() callback still in its ready queue, or
# a task of this loop chained to it), the loop waits for itself: a deadlock.
import gc
import reprlib
import sys
import threading

P = params
asyncio = sys.modules.get("asyncio")
if asyncio is None:
    out.write("asyncio is not imported in this process: no event loops.\n")
    thaw_kit.report(out, "asyncio is not imported")
    raise SystemExit(0)


def real_sleep():
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None:
        try:
            return monkey.get_original("time", "sleep")
        except Exception:  # noqa: BLE001
            pass
    import time
    return time.sleep


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


def qualname(fn):
    try:
        self = getattr(fn, "__self__", None)
        name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
        if name is None:
            inner = getattr(fn, "func", None)
            return "partial(%s)" % qualname(inner) if inner is not None else brepr(fn)
        if self is not None and isinstance(self, asyncio.Task):
            return "%s of task %r" % (name, safe(self.get_name))
        mod = getattr(fn, "__module__", None)
        return "%s.%s" % (mod, name) if mod and self is None else name
    except Exception:  # noqa: BLE001
        return "<callable unreadable>"


safe = thaw_kit.safe


def coro_name(coro):
    try:
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None) or getattr(coro, "ag_code", None)
        if code is not None:
            return getattr(code, "co_qualname", code.co_name) + "()"
        return type(coro).__qualname__
    except Exception:  # noqa: BLE001
        return "<coroutine unreadable>"


def refs(cb):
    """Objects a callback refers to: a bound method's self, a closure's cells, a partial's args, a Handle's callback and args."""
    res = []
    try:
        if isinstance(cb, asyncio.Handle):
            res.append(cb._callback)
            res.extend(refs(cb._callback))
            res.extend(list(cb._args or ()))
            return res
        s = getattr(cb, "__self__", None)
        if s is not None:
            res.append(s)
        for cell in getattr(cb, "__closure__", None) or ():
            try:
                res.append(cell.cell_contents)
            except ValueError:
                pass
        if getattr(cb, "func", None) is not None:
            res.append(cb.func)
            res.extend(list(getattr(cb, "args", ()) or ()))
    except Exception:  # noqa: BLE001
        pass
    return res


def callbacks(fut):
    try:
        if isinstance(fut, asyncio.Future):
            return [c[0] if isinstance(c, tuple) else c for c in (fut._callbacks or [])]
        return list(getattr(fut, "_done_callbacks", []) or [])
    except Exception:  # noqa: BLE001
        return []


# ---- one pass over gc ----
cf = sys.modules.get("concurrent.futures")
CFuture = getattr(cf, "Future", None) if cf is not None else None
cft = sys.modules.get("concurrent.futures.thread")
WorkItem = getattr(cft, "_WorkItem", None) if cft is not None else None
loops, tasks, afuts, cfuts = [], [], [], []
work = {}   # id(concurrent future) -> the thread pool work item that will complete it
for o in gc.get_objects():
    try:
        if WorkItem is not None and isinstance(o, WorkItem):
            work[id(o.future)] = o
        elif isinstance(o, asyncio.AbstractEventLoop):
            loops.append(o)
        elif isinstance(o, asyncio.Task):
            tasks.append(o)
        elif isinstance(o, asyncio.Future):
            afuts.append(o)
        elif CFuture is not None and isinstance(o, CFuture):
            cfuts.append(o)
    except Exception:  # noqa: BLE001
        continue
threads = {}
try:
    threads = dict(threading._active)
except Exception:  # noqa: BLE001
    pass

global_names = {}
seen_modules = set()
for mname, mod in list(sys.modules.items()):
    if id(mod) in seen_modules:   # __mp_main__ is __main__
        continue
    seen_modules.add(id(mod))
    try:
        for k, v in list(object.__getattribute__(mod, "__dict__").items()):
            if isinstance(v, asyncio.Future) or (CFuture is not None and isinstance(v, CFuture)):
                global_names.setdefault(id(v), []).append("%s.%s" % (mname, k))
    except Exception:  # noqa: BLE001
        continue

# which future sets which (asyncio.futures._chain_future: wrap_future, run_coroutine_threadsafe): the
# source's done-callback "_call_set_state" holds the destination (the reverse "_call_check_cancel"
# only propagates cancellation)
feeds = {}     # id(asyncio future) -> the concurrent future whose result it mirrors
fed_by = {}    # id(concurrent future) -> asyncio futures/tasks whose result it receives


def sets(fut):
    res = []
    for cb in callbacks(fut):
        if getattr(cb, "__name__", "") == "_call_set_state":
            res.extend(refs(cb))
    return res


for c in cfuts:
    for r in sets(c):
        if isinstance(r, asyncio.Future):
            feeds[id(r)] = c
for a in afuts + tasks:
    for r in sets(a):
        if CFuture is not None and isinstance(r, CFuture):
            fed_by.setdefault(id(r), []).append(a)
timers = {}


def loop_of(fut):
    try:
        return fut.get_loop()
    except Exception:  # noqa: BLE001
        return getattr(fut, "_loop", None)


def names_in(frames, obj):
    res = []
    for f in frames:
        try:
            for k, v in list(f.f_locals.items()):
                if v is obj:
                    res.append("%s (local of %s)" % (k, getattr(f.f_code, "co_qualname", f.f_code.co_name)))
        except Exception:  # noqa: BLE001
            continue
    return res + global_names.get(id(obj), [])


def describe_future(fut, frames=()):
    """What a future is: a task, a sleep's timer, a wrapped concurrent future, or a plain future."""
    try:
        state = fut._state.lower()
        if isinstance(fut, asyncio.Task):
            return "task %r (%s, %s)" % (safe(fut.get_name), coro_name(safe(fut.get_coro)), state)
        names = names_in(frames, fut)
        label = "future %s" % (" / ".join("`%s`" % n for n in names[:3]) if names else hex(id(fut)))
        if id(fut) in timers:
            loop, h = timers[id(fut)]
            try:
                due = h.when() - loop.time()
                return "a timer (asyncio.sleep or call_later), due in %.3f s" % due
            except Exception:  # noqa: BLE001
                return "a timer (asyncio.sleep or call_later)"
        c = feeds.get(id(fut))
        if c is not None:
            return "%s (%s), mirrors concurrent.futures.Future %s (%s)%s" % (
                label, state, " / ".join("`%s`" % n for n in global_names.get(id(c), [])[:2]) or hex(id(c)),
                getattr(c, "_state", "?").lower(), cf_work(c))
        waiters = [t for t in tasks if getattr(t, "_fut_waiter", None) is fut]
        others = [cb for cb in callbacks(fut) if not any(isinstance(r, asyncio.Task) for r in refs(cb))]
        extra = "" if others else "; no callback other than the waiting task's wake-up: nothing known will complete it"
        return "%s (%s)%s" % (label, state, extra)
    except Exception as e:  # noqa: BLE001
        return "<future unreadable: %s>" % type(e).__name__


def cf_work(c):
    """What will complete a concurrent future: a thread pool work item, an asyncio task, or nothing known."""
    o = work.get(id(c))
    if o is not None:
        task = getattr(o, "task", None)
        fn = task[0] if isinstance(task, tuple) else getattr(o, "fn", None)
        return ", work item %s of a thread pool" % qualname(fn)
    if id(c) in fed_by:
        return ", set by %s" % ", ".join(describe_future(a) for a in fed_by[id(c)][:3])
    return ", nothing known sets it"


def chain(task):
    """Frames of the await chain, innermost first, and the tasks awaiting this one."""
    frames, awaited_by = [], []
    graph = getattr(asyncio, "capture_call_graph", None)
    if graph is not None:
        try:
            g = graph(task)
            if g is not None:
                frames = [e.frame for e in g.call_stack]
                awaited_by = [a.future for a in g.awaited_by]
                return frames, awaited_by
        except Exception:  # noqa: BLE001
            frames = []
    coro = safe(task.get_coro)
    n = 0
    while coro is not None and n < 200:
        n += 1
        f = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None) or getattr(coro, "ag_frame", None)
        if f is not None:
            frames.append(f)
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None) or getattr(coro, "ag_await", None)
    frames.reverse()
    return frames, awaited_by


def in_select(frame):
    """The loop's thread is waiting in its selector (idle), as opposed to running a callback."""
    f, n = frame, 0
    while f is not None and n < 4:
        try:
            base = f.f_code.co_filename.replace("\\", "/").rsplit("/", 1)[-1]
            if base in ("selectors.py", "proactor_events.py", "windows_events.py") or f.f_code.co_name == "select":
                return True
            if f.f_code.co_name == "_run_once":
                return f is frame
        except Exception:  # noqa: BLE001
            return False
        f = f.f_back
        n += 1
    return False


def future_wait(frame):
    f, n = frame, 0
    while f is not None and n < 60:
        try:
            code = f.f_code
            if code.co_filename.replace("\\", "/").endswith("concurrent/futures/_base.py"):
                q = getattr(code, "co_qualname", code.co_name)
                if q in ("Future.result", "Future.exception"):
                    return q, [f.f_locals.get("self")]
                if q in ("wait", "as_completed"):
                    return q, list(f.f_locals.get("fs") or ())
        except Exception:  # noqa: BLE001
            return None
        f = f.f_back
        n += 1
    return None


def completes_on(loop, c):
    """How a concurrent future is to be completed by this same loop, or None."""
    try:
        for h in list(getattr(loop, "_ready", []) or []):
            rs = refs(h)
            if any(r is c for r in rs):
                coros = [coro_name(r) for r in rs if hasattr(r, "cr_code")]
                return "its producer%s is still a callback in this loop's ready queue (%s): it has not even started" % (
                    " (coroutine %s)" % ", ".join(coros) if coros else "", qualname(getattr(h, "_callback", None)))
        for a in fed_by.get(id(c), []):
            if loop_of(a) is loop:
                return "it is set by %s of this loop" % describe_future(a)
    except Exception:  # noqa: BLE001
        pass
    return None


# ---- sample each running loop's thread ----
frames_now = sys._current_frames()
samples = {}
for loop in loops:
    tid = getattr(loop, "_thread_id", None)
    if tid is not None and tid in frames_now:
        samples[id(loop)] = [(frames_now[tid], safe(lambda: frames_now[tid].f_lasti))]
sleep = real_sleep()
for _ in range(P["samples"] - 1):
    sleep(0.1)
    now = sys._current_frames()
    for loop in loops:
        tid = getattr(loop, "_thread_id", None)
        if id(loop) in samples and tid in now:
            samples[id(loop)].append((now[tid], safe(lambda: now[tid].f_lasti)))

# sleeps and timers: futures a loop's scheduled timer handle will complete (read after sampling)
for loop in loops:
    try:
        for h in list(getattr(loop, "_scheduled", []) or []):
            for r in refs(h):
                if isinstance(r, asyncio.Future):
                    timers[id(r)] = (loop, h)
    except Exception:  # noqa: BLE001
        pass

out.write("%d event loop(s), %d task(s) not done\n" % (len(loops), sum(1 for t in tasks if not safe(t.done))))
for loop in loops:
    try:
        running, closed = safe(loop.is_running), safe(loop.is_closed)
        tid = getattr(loop, "_thread_id", None)
        th = threads.get(tid)
        tname = th.name if th is not None else ("thread ident %s" % tid if tid else "no thread (not running)")
        out.write("\nLoop %s.%s at %s: %s%s, thread %s; %d ready callback(s), %d timer(s)\n" % (
            type(loop).__module__, type(loop).__qualname__, hex(id(loop)),
            "running" if running is True else "not running", ", closed" if closed is True else "", tname,
            len(getattr(loop, "_ready", ()) or ()), len(getattr(loop, "_scheduled", ()) or ())))
        # blocked?
        s = samples.get(id(loop))
        if running is True and s:
            frame0, lasti0 = s[0]
            same = all(f is frame0 and li == lasti0 for f, li in s)
            if in_select(frame0):
                out.write("  idle: its thread waits in the selector for I/O or the next timer\n")
            else:
                cur = safe(asyncio.current_task, loop)
                label = ("task %r" % safe(cur.get_name)) if isinstance(cur, asyncio.Task) else "a callback"
                blocked = same and len(s) > 1
                if blocked:
                    out.write("  LOOP BLOCKED: for %d samples over %.1f s its thread stayed inside %s at the same "
                              "instruction, not in the selector: a synchronous call blocks the event loop\n" % (
                                  len(s), (len(s) - 1) * 0.1, label))
                else:
                    out.write("  busy: its thread is running %s (not in the selector)\n" % label)
                f, n = frame0, 0
                while f is not None and n < 8:
                    out.write("      %s\n" % where(f))
                    if safe(lambda: f.f_code.co_name) == "_run_once":
                        break
                    f = f.f_back
                    n += 1
                w = future_wait(frame0)
                self_blocked = False
                if w is not None:
                    how, futs = w
                    stack = []
                    f = frame0
                    while f is not None and len(stack) < 20:
                        stack.append(f)
                        f = f.f_back
                    for c in futs[:5]:
                        why = completes_on(loop, c)
                        known = [n for n in names_in(stack, c) if not n.startswith(("self ", "fs ", "fut "))]
                        out.write("    waits in %s on concurrent.futures.Future %s (%s)%s\n" % (
                            how, " / ".join("`%s`" % n for n in known[:2]) or hex(id(c)),
                            getattr(c, "_state", "?").lower(), "" if why else cf_work(c)))
                        if why and not self_blocked:
                            self_blocked = True
                            thaw_kit.verdict("loop-blocked-by-itself", "the event loop on thread %s is blocked by %s, "
                                             "which waits for a future that only this same loop can complete: a "
                                             "deadlock" % (tname, label),
                                             ["%s waits in %s at %s" % (label, how, where(frame0)), "the future: %s" % why],
                                             "await the coroutine instead of run_coroutine_threadsafe(...).result() "
                                             "on the loop's own thread, or run the blocking call in an executor",
                                             "loop %s" % hex(id(loop)))
                        if why:
                            out.write("  EVENT LOOP BLOCKED BY ITSELF: %s waits for a future that only this loop can "
                                      "complete, and %s. Deadlock: the loop never gets back to run it. (Typical cause: "
                                      "run_coroutine_threadsafe(...).result() or a blocking wait called on the loop's "
                                      "own thread; await the coroutine instead, or run the blocking call in an "
                                      "executor.)\n" % (label, why))
                if blocked and not self_blocked:
                    thaw_kit.verdict("loop-blocked", "the event loop on thread %s stayed inside %s at the same "
                                     "instruction for %d samples: a synchronous call blocks the event loop"
                                     % (tname, label, len(s)), ["at %s" % where(frame0)],
                                     "make the call async (await it), or run it in an executor "
                                     "(loop.run_in_executor / asyncio.to_thread)", "loop %s" % hex(id(loop)))
        # tasks
        mine = []
        for attempt in range(3):
            try:
                mine = list(asyncio.all_tasks(loop))
                break
            except RuntimeError:
                continue
            except Exception:  # noqa: BLE001
                break
        seen = set(id(t) for t in mine)
        for t in tasks:
            if id(t) not in seen and loop_of(t) is loop and safe(t.done) is False:
                mine.append(t)
                seen.add(id(t))
        cur = safe(asyncio.current_task, loop) if running is True else None
        out.write("  %d task(s)\n" % len(mine))
        for t in sorted(mine, key=lambda t: str(safe(t.get_name)))[:P["max_tasks"]]:
            try:
                name = safe(t.get_name)
                coro = safe(t.get_coro)
                frames, awaited_by = chain(t)
                if t is cur:
                    st = "running now (inside a step on the loop's thread)"
                elif getattr(t, "_fut_waiter", None) is not None:
                    st = "waiting"
                elif safe(t.done) is True:
                    st = "done"
                else:
                    st = "ready to run (scheduled)"
                out.write("  Task %r: %s, %s\n" % (name, coro_name(coro), st))
                for f in frames[:P["max_chain"]]:
                    out.write("      %s\n" % where(f))
                if len(frames) > P["max_chain"]:
                    out.write("      ... %d more\n" % (len(frames) - P["max_chain"]))
                waiter = getattr(t, "_fut_waiter", None)
                if waiter is not None:
                    out.write("    awaits %s\n" % describe_future(waiter, frames))
                for a in awaited_by[:5]:
                    out.write("    awaited by %s\n" % describe_future(a))
            except Exception as e:  # noqa: BLE001 - a task that finished while read
                out.write("  Task <unreadable: %s>\n" % type(e).__name__)
        if len(mine) > P["max_tasks"]:
            out.write("  ... %d more task(s) (max_tasks)\n" % (len(mine) - P["max_tasks"]))
    except Exception as e:  # noqa: BLE001
        out.write("\nLoop %s: <unreadable: %s: %s>\n" % (hex(id(loop)), type(e).__name__, str(e)[:200]))

# ---- verdicts: joins that cannot finish, waits nothing alive can end, exceptions nobody retrieved ----
thaw_kit.judge(thaw_kit.task_waits())
thaw_kit.judge_exceptions()
thaw_kit.report(out, "no task waits on a queue join, event, condition or future that nothing alive can end, and "
                     "no finished task holds an exception nobody retrieved")
