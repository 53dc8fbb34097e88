# thaw-diagnostic
# {
#   "id": "py.lock_waiters",
#   "runtime": "cpython",
#   "title": "Lock, condition and queue waiters",
#   "question": "Which thread waits on which lock, condition, event, semaphore, queue, future or thread, under which variable name, and who (likely) holds it?",
#   "params": {
#     "type": "object",
#     "properties": {
#       "max_threads": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 200, "description": "threads examined"},
#       "max_frames": {"type": "integer", "minimum": 1, "maximum": 500, "default": 60, "description": "frames walked per thread"},
#       "all_threads": {"type": "boolean", "default": false, "description": "also list threads that wait on nothing recognizable (one line each)"}
#     },
#     "additionalProperties": false
#   },
#   "mutating": false,
#   "cost": "low: reads sys._current_frames(), disassembles the code of each thread's frames (cached per code object) and reads their locals; takes no lock"
# }
# How it reads a wait. A thread parked in C (lock.acquire(), a `with lock:` line) has no frame for the
# wait itself: the innermost Python frame is the caller, stopped at the call. So the current
# instruction and the names loaded on the current line (disassembled, no source needed) say which
# object it is entering or calling; frames of threading/queue/concurrent.futures say the rest
# (Condition.wait, Event.wait, Queue.get, Future.result, Thread.join ...).
# Holders. CPython records the owner of an RLock, not of a Lock. For a Lock (and a Condition's lock)
# the threads whose frames are inside a `with` block of that very object (found through the code's
# exception table) are listed as "likely holder"; a lock taken with acquire() leaves no such trace.
# Nothing here acquires a lock or calls a method of an application object other than
# locked()/is_set()-style reads of threading types (a queue.Queue is measured by its deque: its
# qsize() would take the queue's mutex).
import sys
import os
import threading


P = params


real_ident = thaw_kit.real_ident


short = thaw_kit.short


where = thaw_kit.where


# ---- code facts, from the kit: the names loaded on a frame's current line up to its current
# instruction, the `with` blocks it is inside of (the code's exception table), the `with` it waits to
# enter. All read from disassembled code: no source file needed.
line_objects = thaw_kit.line_objects
open_withs = thaw_kit.with_blocks
entering_with = thaw_kit.entering_with


# ---- what kind of object, and its state ----

def tname(obj):
    t = type(obj)
    return "%s.%s" % (getattr(t, "__module__", "?"), getattr(t, "__qualname__", t.__name__))


def kind(obj):
    t = type(obj)
    mod, name = getattr(t, "__module__", ""), getattr(t, "__name__", "")
    if mod == "_thread" and name == "lock":
        return "Lock"
    if name in ("RLock", "_RLock", "_PyRLock") and mod in ("_thread", "threading"):
        return "RLock"
    try:
        if isinstance(obj, threading.Condition):
            return "Condition"
        if isinstance(obj, threading.Event):
            return "Event"
        if isinstance(obj, threading.Barrier):
            return "Barrier"
        if isinstance(obj, threading.Semaphore):
            return "Semaphore"
        if isinstance(obj, threading.Thread):
            return "Thread"
    except Exception:  # noqa: BLE001
        pass
    q = sys.modules.get("queue")
    if q is not None:
        try:
            if isinstance(obj, q.Queue):
                return "Queue"
            if isinstance(obj, q.SimpleQueue) or isinstance(obj, getattr(q, "_PySimpleQueue", ())):
                return "SimpleQueue"
        except Exception:  # noqa: BLE001
            pass
    cf = sys.modules.get("concurrent.futures")
    if cf is not None:
        try:
            if isinstance(obj, cf.Future):
                return "Future"
        except Exception:  # noqa: BLE001
            pass
    if "gevent" in mod and name in ("Semaphore", "BoundedSemaphore", "RLock", "DummySemaphore", "Event",
                                    "AsyncResult", "Queue", "JoinableQueue", "Channel"):
        return "gevent " + name
    return None


def owner_ident(obj):
    """An RLock's owner thread ident (from its repr: owner=N), or None."""
    try:
        text = repr(obj)
        k = text.find("owner=")
        if k >= 0:
            n = int(text[k + 6:].split()[0])
            return n or None
    except Exception:  # noqa: BLE001
        pass
    try:
        o = object.__getattribute__(obj, "_owner")
        return o or None
    except Exception:  # noqa: BLE001
        return None


def state(obj, k):
    try:
        if k == "Lock":
            return "locked" if obj.locked() else "unlocked"
        if k == "RLock":
            text = repr(obj)
            return "locked" if text.startswith("<locked") else "unlocked" if text.startswith("<unlocked") else ""
        if k == "Condition":
            lk = obj._lock
            return "%d waiter(s), its lock %s" % (len(obj._waiters), state(lk, kind(lk)) or tname(lk))
        if k == "Event":
            return "set" if obj.is_set() else "not set"
        if k == "Semaphore":
            return "value=%s" % obj._value
        if k == "Barrier":
            return "%d of %d parties waiting%s" % (obj.n_waiting, obj.parties, ", broken" if obj.broken else "")
        if k == "Thread":
            return "%s, %s" % (obj.name, "alive" if obj.is_alive() else "finished")
        if k == "Queue":   # len(obj.queue), not qsize(): qsize() takes the queue's mutex
            return "%d item(s) (maxsize %d), %d unfinished" % (len(obj.queue), obj.maxsize, obj.unfinished_tasks)
        if k == "SimpleQueue":
            return "%d item(s)" % obj.qsize()
        if k == "Future":
            return obj._state.lower()
        if k and k.startswith("gevent"):
            for m in ("locked", "is_set", "ready"):
                f = getattr(obj, m, None)
                if f is not None:
                    return "%s=%s" % (m, f())
    except Exception as e:  # noqa: BLE001
        return "<state unreadable: %s>" % type(e).__name__
    return ""


# ---- the wait APIs whose frames say what a thread waits on ----

API = {
    ("threading.py", "Condition.wait"): "Condition.wait", ("threading.py", "Condition.wait_for"): "Condition.wait_for",
    ("threading.py", "Event.wait"): "Event.wait", ("threading.py", "Semaphore.acquire"): "Semaphore.acquire",
    ("threading.py", "Barrier.wait"): "Barrier.wait", ("threading.py", "Barrier._wait"): "Barrier.wait",
    ("threading.py", "Barrier._enter"): "Barrier.wait", ("threading.py", "Thread.join"): "Thread.join",
    ("threading.py", "Thread._wait_for_tstate_lock"): "Thread.join", ("threading.py", "_RLock.acquire"): "RLock.acquire",
    ("queue.py", "Queue.get"): "Queue.get", ("queue.py", "Queue.put"): "Queue.put (full)",
    ("queue.py", "Queue.join"): "Queue.join", ("queue.py", "_PySimpleQueue.get"): "SimpleQueue.get",
    ("_base.py", "Future.result"): "Future.result", ("_base.py", "Future.exception"): "Future.exception",
    ("_base.py", "wait"): "concurrent.futures.wait", ("_base.py", "as_completed"): "concurrent.futures.as_completed",
}


def api_of(f):
    try:
        code = f.f_code
        base = code.co_filename.replace("\\", "/").rsplit("/", 1)[-1]
        if base == "_base.py" and "concurrent" not in code.co_filename:
            return None
        return API.get((base, getattr(code, "co_qualname", code.co_name)))
    except Exception:  # noqa: BLE001
        return None


def task_state(native):
    try:
        with open("/proc/self/task/%d/stat" % native) as fh:
            text = fh.read()
        return text[text.rindex(")") + 2]
    except Exception:  # noqa: BLE001
        return "?"


me = real_ident()
try:
    threads = dict(threading._active)
except Exception:  # noqa: BLE001
    threads = {}
frames = sys._current_frames()
names_of = {}   # id(obj) -> global names (module.name) bound to it, filled lazily
objects = {}    # id(obj) -> {"obj", "kind", "names": set, "waiters": [...], "holders": [...]}


def tlabel(ident):
    t = threads.get(ident)
    return t.name if t is not None else "ident %d" % ident


def global_names(obj):
    if not names_of:
        names_of[0] = True
        seen = set()
        for mname, mod in list(sys.modules.items()):
            if id(mod) in seen:   # __mp_main__ is __main__
                continue
            seen.add(id(mod))
            try:
                d = object.__getattribute__(mod, "__dict__")
                for k, v in list(d.items()):
                    if kind(v) is not None and not k.startswith("__"):
                        names_of.setdefault(id(v), []).append("%s.%s" % (mname, k))
            except Exception:  # noqa: BLE001
                continue
    return names_of.get(id(obj), [])


def record(obj, name):
    k = kind(obj)
    e = objects.get(id(obj))
    if e is None:
        e = objects[id(obj)] = {"obj": obj, "kind": k or tname(obj), "names": [], "waiters": [], "holders": []}
    if name and name not in e["names"]:
        e["names"].append(name)
    return e


waits = {}     # ident -> text lines
idle = []      # (ident, where)
walks = {}     # ident -> list of frames, innermost first
released = {}  # ident -> ids of the Conditions it waits on (their lock is released meanwhile)
for ident, top in list(frames.items())[:P["max_threads"]]:
    if ident == me:
        continue
    try:
        stack = []
        f = top
        while f is not None and len(stack) < P["max_frames"]:
            stack.append(f)
            f = f.f_back
        walks[ident] = stack
        lines = []
        chain = []   # the wait-API frames, from the innermost outwards
        for fr in stack:
            a = api_of(fr)
            if a is None:
                break
            chain.append((fr, a))
        for fr, a in chain:
            if a in ("Condition.wait", "Condition.wait_for"):
                try:
                    released.setdefault(ident, set()).add(id(fr.f_locals.get("self")))
                except Exception:  # noqa: BLE001
                    pass
        if chain:
            fr, a = chain[-1]
            caller = stack[len(chain)] if len(chain) < len(stack) else None
            try:
                loc = fr.f_locals
                target = loc.get("fs") if a.startswith("concurrent.futures.") else loc.get("self")
            except Exception:  # noqa: BLE001
                target = None
            name = None
            if caller is not None and target is not None:
                for text, v, _m in line_objects(caller):
                    if v is target:
                        name = text
            if a.startswith("concurrent.futures."):
                try:
                    fs = list(target or ())
                except Exception:  # noqa: BLE001
                    fs = []
                lines.append("waits in %s on %d future(s)%s, called from %s" % (
                    a, len(fs), " `%s`" % name if name else "", where(caller) if caller else "?"))
                for fut in fs[:5]:
                    e = record(fut, None)
                    e["waiters"].append(ident)
                    lines.append("    future %s: %s" % (hex(id(fut)), state(fut, "Future")))
            elif target is not None:
                k = kind(target) or tname(target)
                e = record(target, name)
                e["waiters"].append(ident)
                gn = global_names(target)
                lines.append("waits in %s on %s `%s` (%s), called from %s" % (
                    a, k, name or (gn[0] if gn else hex(id(target))), state(target, kind(target)),
                    where(caller) if caller else "?"))
                if k == "Thread":
                    for oid, th in threads.items():
                        if th is target:
                            e["joins"] = oid
            inner, ia = chain[0]
            if ia in ("Condition.wait", "Condition.wait_for"):
                try:
                    to = inner.f_locals.get("timeout")
                    lines.append("    timeout: %s" % ("none (waits until notified)" if to is None else "%s s" % to))
                except Exception:  # noqa: BLE001
                    pass
        else:
            # a C-level wait: the innermost frame stopped at a call on its current line
            ent = entering_with(top)
            if ent is not None and kind(ent[1]) is not None:
                text, obj = ent
                k = kind(obj)
                e = record(obj, text)
                e["waiters"].append(ident)
                lines.append("waits to enter `with %s:` (%s, %s) at %s" % (text, k, state(obj, k), where(top)))
            else:
                hit = None
                for text, v, m in line_objects(top):
                    if kind(v) is not None:
                        hit = (text, v, m)
                if hit is not None:
                    text, obj, m = hit
                    k = kind(obj)
                    e = record(obj, text)
                    e["waiters"].append(ident)
                    lines.append("waits in `%s%s()` (%s, %s) at %s" % (text, "." + m if m else "", k,
                                                                     state(obj, k), where(top)))
        if lines:
            st = task_state(getattr(threads.get(ident), "native_id", 0) or 0)
            if st == "R":
                lines.append("    (its OS thread is running right now: the wait may be ending)")
            waits[ident] = lines
        else:
            idle.append((ident, where(top)))
    except Exception as e:  # noqa: BLE001 - a thread that ended mid-walk, a frame that changed
        waits[ident] = ["<could not read this thread: %s: %s>" % (type(e).__name__, short(e))]

# likely holders: threads whose frames are inside a with-block of a recorded object (or of a
# Condition whose lock it is), unless they wait on that Condition (wait() released it)
by_lock = {}
for key, e in objects.items():
    if e["kind"] == "Condition":
        try:
            by_lock[id(e["obj"]._lock)] = e
        except Exception:  # noqa: BLE001
            pass
for ident, stack in walks.items():
    for fr in stack:
        try:
            for text, obj, line in open_withs(fr):
                e = objects.get(id(obj)) or by_lock.get(id(obj))
                if e is not None and id(e["obj"]) not in released.get(ident, ()):
                    e["holders"].append((ident, text, fr, line))
        except Exception:  # noqa: BLE001
            continue


def order(ident):
    t = threads.get(ident)
    return (t is not threading.main_thread(), tlabel(ident))


out.write("Lock waits: %d thread(s) wait on something recognizable, %d do not (of %d; this diagnostic's own thread left out)\n\n"
          % (len(waits), len(idle), len(frames) - 1))
for ident in sorted(waits, key=order):
    th = threads.get(ident)
    out.write("Thread %s (ident %d, native id %s)\n" % (tlabel(ident), ident, getattr(th, "native_id", "?")))
    for line in waits[ident]:
        out.write("  " + line + "\n")
out.write("\n")

if objects:
    out.write("Objects waited on:\n")
holds = {}   # ident -> keys of the objects it (likely) holds
for key, e in objects.items():
    try:
        obj, k = e["obj"], e["kind"]
        names = e["names"] + [n for n in global_names(obj) if n not in e["names"]]
        e["label"] = "`%s`" % names[0] if names else "%s %s" % (k, hex(id(obj)))
        out.write("  %s %s (%s)\n" % (k, " / ".join("`%s`" % n for n in names[:4]) or hex(id(obj)), state(obj, kind(obj))))
        seen = []
        for w in e["waiters"]:
            if w not in seen:
                seen.append(w)
        out.write("    waiters: %s\n" % ", ".join(tlabel(w) for w in seen))
        if "joins" in e:
            j = e["joins"]
            first = (waits.get(j) or ["at " + where(frames[j])] if j in frames else ["not running Python code"])[0]
            out.write("    the joined thread %s %s\n" % (tlabel(j), first))
        if k == "Condition":
            try:
                ws = list(obj._waiters)
                mapped = []
                for ident, stack in walks.items():
                    for fr in stack:
                        if api_of(fr) == "Condition.wait":
                            try:
                                if fr.f_locals.get("waiter") in ws and fr.f_locals.get("self") is obj:
                                    mapped.append(tlabel(ident))
                            except Exception:  # noqa: BLE001
                                pass
                out.write("    _waiters deque: %d waiter lock(s)%s\n" % (
                    len(ws), " (threads: %s)" % ", ".join(mapped) if mapped else ""))
            except Exception:  # noqa: BLE001
                pass
        owner = None
        st = state(obj, kind(obj))
        if k == "RLock" or (k == "Condition" and kind(getattr(obj, "_lock", None)) == "RLock"):
            owner = owner_ident(obj if k == "RLock" else obj._lock)
            if owner is not None:
                out.write("    owner: %s (recorded by the RLock)\n" % tlabel(owner))
                holds.setdefault(owner, []).append(key)
        elif (k == "Lock" and st == "locked") or (k == "Condition" and st.endswith("lock locked")):
            out.write("    owner: not recorded by CPython (a Lock has no owner)\n")
        for ident, text, fr, line in e["holders"]:
            if owner is not None and ident == owner:
                continue
            out.write("    likely holder (in a with-block of this lock): %s, `with %s:` (line %s) in %s\n" % (
                tlabel(ident), text, line, where(fr)))
            holds.setdefault(ident, []).append(key)
    except Exception as ex:  # noqa: BLE001
        out.write("  <object unreadable: %s>\n" % type(ex).__name__)

# wait-for cycles: thread -> object it waits on -> thread that (likely) holds it
waits_on = {}
for key, e in objects.items():
    for w in e["waiters"]:
        waits_on.setdefault(w, []).append(key)
holders_of = {}
for ident, keys in holds.items():
    for key in keys:
        holders_of.setdefault(key, []).append(ident)
rings = []
for start in sorted(waits_on, key=order):
    path, cur, seen = [], start, set()
    while cur not in seen:
        seen.add(cur)
        nxt = None
        for key in waits_on.get(cur, []):
            hs = [h for h in holders_of.get(key, []) if h != cur]
            if hs:
                nxt = (key, hs[0])
                break
        if nxt is None:
            break
        path.append((cur, nxt[0], nxt[1]))
        cur = nxt[1]
    if path and cur == start and frozenset(p[0] for p in path) not in rings:
        rings.append(frozenset(p[0] for p in path))
        thaw_kit.verdict("deadlock", "%d threads wait for each other in a cycle: none can ever proceed" % len(path),
                         ["%s waits for %s, held by %s" % (tlabel(a), objects[k].get("label", hex(k)), tlabel(b))
                          for a, k, b in path],
                         "take the locks in one global order everywhere (or with timeouts and back-off)",
                         ", ".join(tlabel(p[0]) for p in path))
        out.write("\nDEADLOCK (wait-for cycle; \"held\" as found above): %s\n" % "; ".join(
            "%s waits for %s, held by %s" % (tlabel(a), objects[k].get("label", hex(k)), tlabel(b)) for a, k, b in path))

if P["all_threads"] and idle:
    out.write("\nNot waiting on anything recognizable:\n")
    for ident, w in idle:
        out.write("  %s at %s\n" % (tlabel(ident), w))
elif idle:
    out.write("\nNot waiting on anything recognizable: %s\n" % ", ".join(tlabel(i) for i, _ in idle[:30]))

# ---- verdicts: deadlock cycles (above), and waits nothing alive can end ----
thaw_kit.judge(thaw_kit.thread_waits(P["max_threads"]))
thaw_kit.report(out, "no wait-for cycle, and every thread waiting without a timeout waits on something a live "
                     "thread can still act on")
