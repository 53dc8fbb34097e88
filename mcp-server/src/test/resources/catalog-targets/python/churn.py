# Catalog target for robustness: everything the diagnostics read keeps changing while they read it.
# Threads (greenlets when CHURN_GEVENT=1, which monkey-patches first) start and end every few
# milliseconds holding locals whose __repr__ and __getattr__ raise; locks and conditions are taken
# and released; a thread pool gets tiny jobs; (without gevent) an event loop creates and finishes
# tasks and futures; objects are allocated and dropped. Prints "ready pid=N".
import os

GEVENT = os.environ.get("CHURN_GEVENT") == "1"
if GEVENT:
    from gevent import monkey
    monkey.patch_all()
    import gevent

import asyncio
import concurrent.futures as cf
import random
import threading
import time


class Hostile:
    """A value no diagnostic should trip over."""

    def __repr__(self):
        raise RuntimeError("broken __repr__")

    def __getattr__(self, name):
        raise RuntimeError("broken __getattr__ for %s" % name)

    def __eq__(self, other):
        raise RuntimeError("broken __eq__")

    __hash__ = object.__hash__


shared = threading.Lock()
cond = threading.Condition()
pool = cf.ThreadPoolExecutor(max_workers=3, thread_name_prefix="churn-pool")
garbage = []


def short_life(n):
    hostile = Hostile()
    with shared:
        time.sleep(random.random() * 0.003)
    with cond:
        cond.notify_all()
        cond.wait(0.002)
    garbage.append([hostile, {"n": n}])
    if len(garbage) > 2000:
        del garbage[:1000]


def spawner():
    n = 0
    while True:
        n += 1
        try:
            if GEVENT:
                g = gevent.spawn(short_life, n)
                g.name = "churn-%d" % n
            else:
                threading.Thread(target=short_life, args=(n,), name="churn-%d" % n, daemon=True).start()
            pool.submit(short_life, -n)
        except RuntimeError:
            pass   # too many threads at once: try again
        time.sleep(0.004)


async def short_task(n):
    fut = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_later(random.random() * 0.01, fut.set_result, n)
    hostile = Hostile()
    return await fut


async def task_spawner():
    n = 0
    while True:
        n += 1
        asyncio.create_task(short_task(n), name="task-%d" % n)
        await asyncio.sleep(0.002)


def loop_thread():
    asyncio.run(task_spawner())


for _ in range(2):
    threading.Thread(target=spawner, name="spawner", daemon=True).start()
if not GEVENT:
    threading.Thread(target=loop_thread, name="churn-loop", daemon=True).start()
time.sleep(0.3)
print("ready pid=%d" % os.getpid(), flush=True)
while True:
    time.sleep(0.01)
