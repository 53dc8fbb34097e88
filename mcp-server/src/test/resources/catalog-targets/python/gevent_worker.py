# Catalog target for py.gevent_greenlets and py.gevent_patching (python3.14 + gevent).
# Before monkey-patching it creates a thread pool (so its work queue is the C _queue.SimpleQueue)
# and a threading.Lock (the original _thread.lock); then patch_all(). Greenlets:
# - "order-42" waits in wait_for_payment() on the gevent Event `payment_done`, which a real OS
#   thread was to set but that thread ended first (it never calls set());
# - "quote-7" waits on the AsyncResult `quote_result`; "job-consumer" on the gevent Queue `jobs`;
#   "slot-taker" on the gevent Semaphore `slots`; "heartbeat" sleeps in a loop; "finished" is dead.
# A second real OS thread runs its own hub with the greenlet "side-ticker". A third runs a hub that
# a greenlet "legacy-call" blocks: it calls the unpatched time.sleep (C, never yields) in a loop.
# The main greenlet sleeps in short gevent.sleep steps (the hub keeps running: injection works).
import concurrent.futures as cf
import os
import threading

legacy_pool = cf.ThreadPoolExecutor(max_workers=2, thread_name_prefix="legacy")
legacy_lock = threading.Lock()

from gevent import monkey  # noqa: E402

monkey.patch_all()

import gevent  # noqa: E402
import gevent.event  # noqa: E402
import gevent.lock  # noqa: E402
import gevent.queue  # noqa: E402

payment_done = gevent.event.Event()
quote_result = gevent.event.AsyncResult()
jobs = gevent.queue.Queue()
slots = gevent.lock.Semaphore(0)


def notify_payment():
    return   # the thread that should call payment_done.set() ends without doing it


def wait_for_payment(order_id):
    payment_done.wait()
    return order_id


def fetch_quote(n):
    return quote_result.get()


def consume_jobs():
    return jobs.get()


def take_slot():
    slots.acquire()


def heartbeat():
    while True:
        gevent.sleep(0.05)


def side_ticker():
    while True:
        gevent.sleep(0.05)


def side_thread():
    g = gevent.spawn(side_ticker)
    g.name = "side-ticker"
    g.join()


def legacy_call():
    while True:
        unpatched_sleep(5)   # a blocking C call inside a greenlet: its hub cannot run


def blocked_hub_thread():
    g = gevent.spawn(legacy_call)
    g.name = "legacy-call"
    starved = gevent.spawn(side_ticker)
    starved.name = "starved-ticker"
    g.join()


def named(name, fn, *args):
    g = gevent.spawn(fn, *args)
    g.name = name
    return g


start_real_thread = monkey.get_original("_thread", "start_new_thread")
start_real_thread(notify_payment, ())
start_real_thread(side_thread, ())
unpatched_sleep = monkey.get_original("time", "sleep")
start_real_thread(blocked_hub_thread, ())
greenlets = [named("order-42", wait_for_payment, 42), named("quote-7", fetch_quote, 7),
             named("job-consumer", consume_jobs), named("slot-taker", take_slot), named("heartbeat", heartbeat)]
finished = named("finished", lambda: "done")
gevent.sleep(0.3)
print("ready pid=%d" % os.getpid(), flush=True)
while True:
    gevent.sleep(0.05)
