# Catalog target for py.asyncio_tasks and py.futures. Two event loops, each in its own thread:
# - "loop-A" runs healthy but with stuck tasks: "fetch-user-42" awaits (through load_profile) the
#   asyncio future `never_done` that nothing completes; "await-payment" awaits a wrap_future() of
#   the concurrent future `payment_cf` that nothing completes; "heartbeat" sleeps in a loop.
# - "loop-B" is blocked by itself: its task "reconcile" calls
#   run_coroutine_threadsafe(compute_total(), <its own loop>).result(): the loop's thread waits for
#   a coroutine only that loop could run.
# The main thread sleeps in short steps (a safe point for injection). Prints "ready pid=N".
import asyncio
import concurrent.futures as cf
import os
import threading
import time

never_done = None
payment_cf = cf.Future()


async def load_profile(user_id):
    return await never_done


async def fetch_user(user_id):
    return await load_profile(user_id)


async def await_payment():
    return await asyncio.wrap_future(payment_cf)


async def heartbeat():
    while True:
        await asyncio.sleep(0.05)


def run_loop_a():
    global never_done
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    never_done = loop.create_future()
    loop.create_task(fetch_user(42), name="fetch-user-42")
    loop.create_task(await_payment(), name="await-payment")
    loop.create_task(heartbeat(), name="heartbeat")
    loop.run_forever()


async def compute_total():
    return 42


async def reconcile():
    loop = asyncio.get_running_loop()
    total = asyncio.run_coroutine_threadsafe(compute_total(), loop)
    return total.result()   # blocks this loop's own thread: compute_total() can never run


def run_loop_b():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.create_task(reconcile(), name="reconcile")
    loop.run_forever()


threading.Thread(target=run_loop_a, name="loop-A", daemon=True).start()
threading.Thread(target=run_loop_b, name="loop-B", daemon=True).start()
time.sleep(0.5)
print("ready pid=%d" % os.getpid(), flush=True)
while True:
    time.sleep(0.05)
