# thaw-diagnostic
# {
#   "id": "py.tracemalloc_start",
#   "runtime": "cpython",
#   "title": "Start (or stop) tracemalloc",
#   "question": "Start tracing memory allocations so that py.tracemalloc_top can say where memory goes (or stop tracing and free the traces).",
#   "params": {
#     "type": "object",
#     "properties": {
#       "frames": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10, "description": "frames recorded per allocation (1 is enough for group_by lineno; more for tracebacks)"},
#       "stop": {"type": "boolean", "default": false, "description": "stop tracing instead (frees every trace)"}
#     },
#     "additionalProperties": false
#   },
#   "mutating": true,
#   "cost": "changes the process: while tracing, every allocation and free is hooked (allocation-heavy code runs noticeably slower, often 1.5-3x in allocation-bound loops) and each live traced block costs memory (tens of bytes plus 8-16 bytes per frame); stopping frees all traces"
# }
# Tracing covers allocations made from now on, not the memory already allocated. It stays on until
# stopped (this entry with {"stop": true}) or the process exits; thaw does not stop it for you.
import tracemalloc

P = params


def mib(n):
    return "%.1f MiB" % (n / 1048576.0)


if P["stop"]:
    if not tracemalloc.is_tracing():
        out.write("tracemalloc was not tracing: nothing to stop.\n")
    else:
        current, peak = tracemalloc.get_traced_memory()
        overhead = tracemalloc.get_tracemalloc_memory()
        tracemalloc.stop()
        out.write("tracemalloc stopped: traces freed (they covered %s, peak %s; tracemalloc itself used %s).\n" % (
            mib(current), mib(peak), mib(overhead)))
elif tracemalloc.is_tracing():
    limit = tracemalloc.get_traceback_limit()
    current, peak = tracemalloc.get_traced_memory()
    out.write("tracemalloc is already tracing (%d frame(s) per allocation; traced now %s, peak %s): not restarted%s.\n"
              % (limit, mib(current), mib(peak), "" if limit == P["frames"] else
                 "; to record %d frames instead, stop it first (params {\"stop\": true}), then start again "
                 "(that discards the current traces)" % P["frames"]))
    out.write("Read the allocations with py.tracemalloc_top.\n")
else:
    tracemalloc.start(P["frames"])
    out.write("tracemalloc started: recording %d frame(s) per allocation from now on (earlier allocations are not "
              "traced).\n" % tracemalloc.get_traceback_limit())
    out.write("Cost while it runs: every allocation and free is hooked (allocation-heavy code slows down, often "
              "1.5-3x), and each live traced block costs memory.\n")
    out.write("Next: let the process work for a while, then run py.tracemalloc_top. Stop it with "
              "py.tracemalloc_start params {\"stop\": true}.\n")

thaw_kit.report(out, "this diagnostic describes; it draws no conclusions (py.lock_waiters, py.asyncio_tasks, py.futures, py.thread_pools and the gevent entries do)")
