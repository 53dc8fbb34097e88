# thaw scenario py-gevent-lost-wakeup (sample-deadlock-app)
# A gevent worker whose hub keeps running while one task waits forever for a wake-up that never comes.
#
# The fetch_report task hands a blocking native call (rendering a PDF) to a real OS thread, so that it
# does not block the hub, and waits on a gevent AsyncResult that the thread is to set when done. The
# thread raises before it sets the result: it dies (the exception is printed once to stderr, by
# _thread, where nobody looks) and the AsyncResult stays unset. The fetch_report greenlet waits forever
# with no timeout. Everything else carries on: the heartbeat greenlet ticks, the queue consumer idles,
# the hub's OS thread sits in epoll_wait between timers. A stack snapshot shows only the hub; the
# stuck task is a suspended greenlet, visible to a greenlet diagnostic (gc: greenlet objects, gr_frame).
# Injection works here: the hub's thread passes safe points every heartbeat.
#
# Deterministic: the pid line is printed once the renderer thread has exited and the task is parked.
import os

from gevent import monkey

monkey.patch_all()

import gevent  # noqa: E402
import gevent.event  # noqa: E402
import gevent.pool  # noqa: E402
import gevent.queue  # noqa: E402

# The real (unpatched) thread primitives: a real OS thread for blocking native work.
_real_start_thread = monkey.get_original("_thread", "start_new_thread")
_real_set_name = monkey.get_original("_thread", "set_name")
_real_native_id = monkey.get_original("_thread", "get_native_id")
renderer_tids = []


def render_pdf(report_id, done):
    _real_set_name("pdf-renderer")
    renderer_tids.append(_real_native_id())
    fonts = {"body": "DejaVuSans"}
    font = fonts["heading"]  # KeyError: the thread dies here ...
    done.set(f"/reports/{report_id}.pdf with {font}")  # ... so the wake-up is never sent


def fetch_report(report_id):
    done = gevent.event.AsyncResult()
    _real_start_thread(render_pdf, (report_id, done))
    path = done.get()  # no timeout: waits forever
    print(f"report {report_id} at {path}", flush=True)  # never reached


def heartbeat():
    while True:
        gevent.sleep(0.1)  # a liveness ping: the worker looks healthy


def consume_jobs(jobs):
    while True:
        job = jobs.get()  # idle: nobody enqueues
        worker_pool.spawn(fetch_report, job)


worker_pool = gevent.pool.Pool(16)  # Celery's gevent pool: one greenlet per task
jobs = gevent.queue.Queue()
worker_pool.spawn(heartbeat).name = "heartbeat"
worker_pool.spawn(consume_jobs, jobs).name = "consume_jobs"
worker_pool.spawn(fetch_report, "R-2077").name = "fetch_report"

# --- scenario harness: announce the pid once the renderer thread is gone and the task is parked -------
while not renderer_tids or os.path.exists(f"/proc/self/task/{renderer_tids[0]}"):
    gevent.sleep(0.005)
print(f"pid={os.getpid()} scenario=py-gevent-lost-wakeup", flush=True)
worker_pool.join()  # the main greenlet waits for the tasks: forever
