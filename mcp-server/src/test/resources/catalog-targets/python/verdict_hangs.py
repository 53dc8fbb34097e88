# Catalog target for the verdict rules: one instance of each class of hang, in threads and asyncio
# tasks, each stuck for good. Prints "ready pid=N" once every one is in place.
#   lost wakeup     `report-waiter` waits on `report_ready` without a predicate loop; the notifier
#                   (`report-builder`) notified before the wait began and has ended
#   predicate loop  `job-waiter` waits on `jobs_changed` in a `while not jobs_done` loop; the only
#                   notifier (`job-runner`) died of an exception before setting jobs_done and notifying
#   event           `shutdown-waiter` waits on `drained`, which only the finished `drainer` would set
#   semaphore       `upload-worker` waits on `upload_slots`, whose one permit `leaky-upload` took and
#                   never released (it returned early)
#   join            `batch-joiner` joins `batch_queue`; its consumer `batch-consumer` died on item 2
#                   without task_done()
#   asyncio join    task `flush-all` joins `events`; consumer task `event-consumer` died with KeyError,
#                   and the program keeps its tasks in a list, so the exception is never logged
import asyncio
import os
import queue
import sys
import threading
import time

report_ready = threading.Condition()
jobs_changed = threading.Condition()
jobs_done = False
drained = threading.Event()
upload_slots = threading.Semaphore(1)
batch_queue = queue.Queue()
started = threading.Barrier(2)


def build_report():
    with report_ready:
        report_ready.notify_all()     # nobody waits yet: the notify is lost


def wait_for_report():
    with report_ready:
        report_ready.wait()           # no predicate loop, no timeout


def run_jobs():
    global jobs_done
    int("not a number")               # dies here (ValueError), before it sets jobs_done and notifies
    with jobs_changed:
        jobs_done = True
        jobs_changed.notify_all()


def wait_for_jobs():
    with jobs_changed:
        while not jobs_done:          # a correct predicate loop: but nothing alive will change the state
            jobs_changed.wait()


def drain():
    return                            # ends without drained.set()


def wait_for_shutdown():
    drained.wait()


def leaky_upload():
    upload_slots.acquire()
    if True:
        return                        # early return: the permit is never released
    upload_slots.release()


def upload():
    with upload_slots:
        pass


def consume_batches():
    while True:
        item = batch_queue.get()
        if item == 2:
            raise KeyError("bad batch %d" % item)
        batch_queue.task_done()


events = None
consumers = []


async def consume_events():
    while True:
        e = await events.get()
        if e == "poison":
            raise KeyError(e)
        events.task_done()


async def flush_all():
    await events.join()


async def main():
    global events
    events = asyncio.Queue()
    for e in ("a", "b", "poison"):
        events.put_nowait(e)
    consumers.append(asyncio.create_task(consume_events(), name="event-consumer"))
    await asyncio.sleep(0.05)
    await asyncio.create_task(flush_all(), name="flush-all")


def run_loop():
    asyncio.run(main())


def thread(fn, name):
    t = threading.Thread(target=fn, name=name, daemon=True)
    t.start()
    return t


thread(build_report, "report-builder").join()
thread(wait_for_report, "report-waiter")
thread(run_jobs, "job-runner").join()
thread(wait_for_jobs, "job-waiter")
thread(drain, "drainer").join()
thread(wait_for_shutdown, "shutdown-waiter")
thread(leaky_upload, "leaky-upload").join()
thread(upload, "upload-worker")
for i in range(3):
    batch_queue.put(i)
thread(consume_batches, "batch-consumer")
while batch_queue.unfinished_tasks > 1 or batch_queue.qsize() > 0:
    time.sleep(0.01)
thread(batch_queue.join, "batch-joiner")
thread(run_loop, "event-loop")
time.sleep(0.5)
print("ready pid=%d" % os.getpid(), flush=True)
while True:
    time.sleep(1)
