# Never settles: an asyncio loop gathers 200 short tasks over and over (tasks are created, linked,
# finished and freed while thaw reads the lists), and, on another thread, gevent greenlets are
# spawned and finish continuously. Prints "ready" once both run.
import asyncio
import threading

import gevent


async def short(n):
    await asyncio.sleep(0)
    return n


async def churn_tasks():
    while True:
        await asyncio.gather(*(short(i) for i in range(200)))


def churn_greenlets():
    def work(n):
        gevent.sleep(0)
        return n
    while True:
        gevent.joinall([gevent.spawn(work, i) for i in range(100)])


threading.Thread(target=churn_greenlets, name="greenlet-churn", daemon=True).start()
threading.Timer(0.3, lambda: print("ready", flush=True)).start()
asyncio.run(churn_tasks())
