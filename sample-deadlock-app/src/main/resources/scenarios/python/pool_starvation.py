# thaw scenario py-pool-starvation (sample-deadlock-app)
# Thread-pool starvation: every worker of a ThreadPoolExecutor waits on a future whose work item is
# queued behind it, in the same pool.
#
# The "render-pool" executor has 2 workers. Each render_page task submits its load_template sub-task
# to the same executor and blocks on the sub-task's Future with no timeout. Both workers are busy
# with render_page, so the two load_template work items stay in the executor's queue forever: no
# worker is left to run them. Nothing raises, nothing is logged; both workers sit in a lock wait.
#
# A snapshot shows render-pool_0 and render-pool_1 in Condition.wait under Future.result and
# render_page. The main thread waits for the pages with concurrent.futures.wait(timeout=0.5) in a
# loop (checking for shutdown in between), so injection works and an executor diagnostic can show the
# queue: 2 pending load_template work items, 2 workers, both busy.
#
# Deterministic: a barrier makes both workers hold a render_page before either submits its
# sub-task (otherwise a free worker could pick up a load_template and the pool would drain); the pid
# line is printed once both workers are seen parked in Condition.wait.
import concurrent.futures
import os
import sys
import threading

render_pool = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="render-pool")
both_rendering = threading.Barrier(2)


def load_template(page):
    return f"<template for page {page}>"


def render_page(page):
    both_rendering.wait()
    template = render_pool.submit(load_template, page).result()  # waits on work queued behind itself
    return f"page {page} rendered with {template}"


pages = [render_pool.submit(render_page, page) for page in (1, 2)]


# --- scenario harness: announce the pid once both workers are parked in their futures' wait -----------
def _parked(thread):
    frame = sys._current_frames().get(thread.ident)
    return frame is not None and frame.f_code.co_name == "wait" and frame.f_back.f_code.co_name == "result"


_stable = 0
while _stable < 3:
    workers = [t for t in threading.enumerate() if t.name.startswith("render-pool")]
    _stable = _stable + 1 if len(workers) == 2 and all(_parked(t) for t in workers) else 0
    threading.Event().wait(0.01)
print(f"pid={os.getpid()} scenario=py-pool-starvation", flush=True)

shutdown = threading.Event()
while not shutdown.is_set():
    done, not_done = concurrent.futures.wait(pages, timeout=0.5)
    if not not_done:
        break
