# thaw-diagnostic
# {
#   "id": "py.gc_stats",
#   "runtime": "cpython",
#   "title": "Garbage collector state and object counts by type",
#   "question": "Which types have the most live (gc-tracked) objects, how many objects are tracked in all, and what is the garbage collector's state (enabled, thresholds, counts, per-generation statistics, uncollectable garbage)?",
#   "params": {
#     "type": "object",
#     "properties": {
#       "top": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 30, "description": "types listed, by object count"},
#       "sizes": {"type": "boolean", "default": false, "description": "also sum sys.getsizeof() per type (shallow sizes; costs one more call per object)"}
#     },
#     "additionalProperties": false
#   },
#   "mutating": false,
#   "cost": "walks every gc-tracked object once (gc.get_objects(): tens of ms and a list of N pointers per million objects), holding the GIL meanwhile; with sizes, one sys.getsizeof() per object. Triggers no collection."
# }
# Only containers are gc-tracked: ints, floats, strs and bytes are not, so they do not show here
# (py.tracemalloc_top shows where memory goes). Type names are module-qualified.
import gc
import sys

P = params


def type_name(t):
    try:
        return "%s.%s" % (t.__module__, t.__qualname__)
    except Exception:  # noqa: BLE001 - a metaclass with odd attributes
        try:
            return repr(t)
        except Exception:  # noqa: BLE001
            return "<type %s>" % hex(id(t))


counts = {}
sizes = {}
objs = gc.get_objects()
total = len(objs)
getsizeof = sys.getsizeof
for o in objs:
    t = type(o)
    counts[t] = counts.get(t, 0) + 1
    if P["sizes"]:
        try:
            sizes[t] = sizes.get(t, 0) + getsizeof(o)
        except Exception:  # noqa: BLE001
            pass
objs = None

out.write("gc: %s; thresholds %s; counts (allocations since the last collection, per generation) %s\n" % (
    "enabled" if gc.isenabled() else "DISABLED (gc.disable() was called: cycles are never collected)",
    gc.get_threshold(), gc.get_count()))
try:
    frozen = gc.get_freeze_count()
except Exception:  # noqa: BLE001
    frozen = "?"
out.write("tracked objects: %d (plus %s frozen by gc.freeze()); %d distinct types\n" % (total, frozen, len(counts)))
try:
    for n, st in enumerate(gc.get_stats()):
        out.write("  generation %d: %s collections, %s objects collected, %s uncollectable\n" % (
            n, st.get("collections"), st.get("collected"), st.get("uncollectable")))
except Exception:  # noqa: BLE001
    pass
try:
    garbage = len(gc.garbage)
    if garbage:
        out.write("gc.garbage holds %d uncollectable object(s)\n" % garbage)
except Exception:  # noqa: BLE001
    pass
try:
    if gc.callbacks:
        out.write("gc.callbacks: %d registered\n" % len(gc.callbacks))
except Exception:  # noqa: BLE001
    pass

top = sorted(counts.items(), key=lambda kv: -kv[1])[:P["top"]]
out.write("\nTop %d types by count:\n" % len(top))
out.write("  %10s  %s%s\n" % ("count", "shallow bytes  " if P["sizes"] else "", "type"))
for t, c in top:
    out.write("  %10d  %s%s\n" % (c, ("%13d  " % sizes.get(t, 0)) if P["sizes"] else "", type_name(t)))

thaw_kit.report(out, "this diagnostic describes; it draws no conclusions (py.lock_waiters, py.asyncio_tasks, py.futures, py.thread_pools and the gevent entries do)")
