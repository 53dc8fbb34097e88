# thaw-diagnostic
# {
#   "id": "py.tracemalloc_top",
#   "runtime": "cpython",
#   "title": "Top memory allocations (tracemalloc)",
#   "question": "Where was the memory that is still allocated allocated (by line, file or traceback), and how much is traced now and at the peak? Needs tracemalloc to be tracing.",
#   "params": {
#     "type": "object",
#     "properties": {
#       "top": {"type": "integer", "minimum": 1, "maximum": 500, "default": 15, "description": "allocation sites listed"},
#       "group_by": {"type": "string", "enum": ["lineno", "filename", "traceback"], "default": "lineno", "description": "group the traces by line, by file, or by whole traceback"},
#       "max_frames": {"type": "integer", "minimum": 1, "maximum": 100, "default": 8, "description": "frames shown per traceback (group_by traceback)"}
#     },
#     "additionalProperties": false
#   },
#   "mutating": false,
#   "cost": "when tracing: tracemalloc.take_snapshot() copies every trace (memory about the size of tracemalloc's own overhead, for a moment; about a second per million traces) and groups them; when not tracing: nothing"
# }
# Read-only: it never starts or stops tracing (py.tracemalloc_start does). Traces of tracemalloc
# itself and of this diagnostic are left out.
import sys

P = params
tm = sys.modules.get("tracemalloc")
if tm is None or not tm.is_tracing():
    out.write("tracemalloc is not tracing in this process: there are no allocation traces to show.\n"
              "To trace from now on: run py.tracemalloc_start (params {\"frames\": 10}; mutating: it starts tracing, "
              "which slows allocations and costs memory per live block), or restart the process with "
              "PYTHONTRACEMALLOC=10 (or -X tracemalloc=10). Only allocations made after tracing starts are traced.\n")
    thaw_kit.report(out, "tracemalloc is not tracing")
    raise SystemExit(0)


def mib(n):
    return "%.1f MiB" % (n / 1048576.0) if n >= 1048576 else "%.1f KiB" % (n / 1024.0)


def source(filename, lineno):
    try:
        import linecache
        text = linecache.getline(filename, lineno).strip()
        return text[:160]
    except Exception:  # noqa: BLE001
        return ""


current, peak = tm.get_traced_memory()
limit = tm.get_traceback_limit()
overhead = tm.get_tracemalloc_memory()
snap = tm.take_snapshot()
OWN = (tm.__file__, "<thaw-script>", "<thaw-lib>")


def group():
    """[(size, count, frames innermost first)] sorted by size. Aggregates the raw trace tuples directly
    (Snapshot.statistics() and filter_traces() build an object per trace: seconds per million traces
    while tracing slows every allocation); falls back to statistics() if the layout is unexpected."""
    raw = getattr(snap.traces, "_traces", None)
    by = P["group_by"]
    if isinstance(raw, list) and (not raw or (isinstance(raw[0], tuple) and len(raw[0]) >= 3
                                              and isinstance(raw[0][2], tuple))):
        acc = {}
        for tr in raw:
            tb = tr[2]   # frames, most recent first: ((filename, lineno), ...)
            if not tb or tb[0][0] in OWN:
                continue
            key = tb if by == "traceback" else (tb[0][0], 0) if by == "filename" else tb[0]
            e = acc.get(key)
            if e is None:
                acc[key] = [tr[1], 1]
            else:
                e[0] += tr[1]
                e[1] += 1
        rows = [(v[0], v[1], key if by == "traceback" else (key,)) for key, v in acc.items()]
    else:
        rows = []
        for st in snap.statistics(by):
            frames = tuple((f.filename, f.lineno) for f in reversed(list(st.traceback)))
            if frames and frames[0][0] not in OWN:
                rows.append((st.size, st.count, frames))
    rows.sort(key=lambda r: -r[0])
    return rows


stats = group()
snap = None
total_blocks = sum(r[1] for r in stats)
out.write("tracemalloc: tracing, %d frame(s) per allocation; traced now %s in %d blocks, peak %s; tracemalloc's own "
          "memory %s\n" % (limit, mib(current), total_blocks, mib(peak), mib(overhead)))
if P["group_by"] == "traceback" and limit < 2:
    out.write("(tracebacks have 1 frame only: start tracing with more frames to see callers)\n")
out.write("\nTop %d by size, grouped by %s:\n" % (min(P["top"], len(stats)), P["group_by"]))
for n, (size, count, frames) in enumerate(stats[:P["top"]]):
    try:
        avg = size // count if count else 0
        first = frames[0] if frames else None
        if P["group_by"] == "filename":
            head = first[0] if first else "?"
        else:
            head = "%s:%d" % first if first else "?"
        out.write("  #%d %s: %s in %d blocks (avg %d B)\n" % (n + 1, head, mib(size), count, avg))
        if P["group_by"] == "lineno" and first is not None:
            text = source(first[0], first[1])
            if text:
                out.write("        %s\n" % text)
        elif P["group_by"] == "traceback":
            for fname, lineno in frames[:P["max_frames"]]:
                text = source(fname, lineno)
                out.write("        %s:%d%s\n" % (fname, lineno, "  " + text if text else ""))
            if len(frames) > P["max_frames"]:
                out.write("        ... %d more frame(s)\n" % (len(frames) - P["max_frames"]))
    except Exception as e:  # noqa: BLE001
        out.write("  #%d <unreadable: %s>\n" % (n + 1, type(e).__name__))
rest = stats[P["top"]:]
if rest:
    out.write("  ... %d more site(s): %s in %d blocks\n" % (len(rest), mib(sum(r[0] for r in rest)),
                                                          sum(r[1] for r in rest)))

thaw_kit.report(out, "this diagnostic describes; it draws no conclusions (py.lock_waiters, py.asyncio_tasks, py.futures, py.thread_pools and the gevent entries do)")
