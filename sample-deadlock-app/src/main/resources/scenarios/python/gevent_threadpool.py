# thaw scenario py-gevent-threadpool (sample-deadlock-app)
# The field report that motivated thaw: a Celery-style gevent worker freezes with no error.
#
# A library ("reportlib") creates a concurrent.futures.ThreadPoolExecutor when it is imported, BEFORE
# gevent.monkey.patch_all(). Its _work_queue is therefore the C queue.SimpleQueue, whose get() blocks
# the OS thread. The worker then patches and runs a task greenlet that submits downloads to that pool
# and waits for the results. The pool's worker threads are started after patching, so each one is a
# greenlet on the hub's OS thread, not a real thread. The first worker to finish its download goes
# back to work_queue.get(block=True) on the empty C queue and blocks the only OS thread: the hub never
# runs again, no greenlet or Python thread reaches a safe point, nothing is logged, nothing raises.
# Only an out-of-process snapshot can show it: _worker (concurrent/futures/thread.py) blocked in the
# queue get, on the process's single OS thread.
#
# Deterministic: the order of events is fixed by gevent's scheduling (no timing race); the pid line
# is printed by a short-lived real thread once the hub's thread is seen parked in that get, and that
# thread then exits, so the hung process has exactly one OS thread.
import os
import sys
import types

# --- the library, imported before the worker patches (as happens when it is imported by a module
# --- that Celery's configuration loads first) --------------------------------------------------------
REPORTLIB = '''
"""reportlib: fetches report parts concurrently."""
import concurrent.futures
import time

_downloads = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="reportlib-dl")


def _download(url):
    time.sleep(0.05)  # network I/O (a gevent-friendly sleep once patched)
    return "<%s>" % url


def fetch_all(urls):
    futures = [_downloads.submit(_download, url) for url in urls]
    return [f.result() for f in futures]
'''
reportlib = types.ModuleType("reportlib")
reportlib.__file__ = "reportlib.py"
exec(compile(REPORTLIB, "reportlib.py", "exec"), reportlib.__dict__)
sys.modules["reportlib"] = reportlib

# --- the worker ---------------------------------------------------------------------------------------
from gevent import monkey  # noqa: E402

monkey.patch_all()

import gevent  # noqa: E402
import gevent.pool  # noqa: E402

import reportlib  # noqa: E402,F811


def generate_report(report_id):
    parts = reportlib.fetch_all([f"https://files.internal/{report_id}/part-{i}" for i in range(3)])
    print(f"report {report_id}: {len(parts)} parts", flush=True)  # never reached


# --- scenario harness: announce the pid once the hub's OS thread is parked in the C queue get ---------
_real_start_thread = monkey.get_original("_thread", "start_new_thread")
_real_get_ident = monkey.get_original("_thread", "get_ident")
_real_sleep = monkey.get_original("time", "sleep")
_hub_thread = _real_get_ident()


def _announce_when_hung():
    stable = 0
    last = None
    while stable < 3:
        _real_sleep(0.01)
        frame = sys._current_frames().get(_hub_thread)
        here = (frame.f_code.co_name, frame.f_lasti) if frame is not None else None
        if here is not None and here[0] == "_worker" and here == last:
            stable += 1
        else:
            stable = 0
        last = here
    print(f"pid={os.getpid()} scenario=py-gevent-threadpool", flush=True)


_real_start_thread(_announce_when_hung, ())

worker_pool = gevent.pool.Pool(16)  # Celery's gevent pool: one greenlet per task
worker_pool.spawn(generate_report, "R-1042").name = "generate_report"
worker_pool.join()  # the main greenlet waits for the tasks: forever
