# Catalog target for bounds: a crowd. 10,000 OS threads wait on one Condition (`crowd_ready`, which nothing
# will notify: every one of them is a lost wakeup of the same object), an event loop holds 10,000 tasks
# waiting on one asyncio.Event (`gate`, never set); with CROWD_GEVENT=1 (monkey-patched first) the 10,000
# waiters are greenlets on one gevent Event instead of threads. Prints "ready pid=N" once all wait.
import os

GEVENT = os.environ.get("CROWD_GEVENT") == "1"
if GEVENT:
    from gevent import monkey
    monkey.patch_all()
    import gevent
    import gevent.event

import asyncio
import threading
import time

CROWD = 10_000
crowd_ready = threading.Condition()
waiting = 0
count_lock = threading.Lock()


def wait_in_crowd():
    global waiting
    with crowd_ready:
        with count_lock:
            waiting += 1
        crowd_ready.wait()


async def wait_at_gate(gate):
    await gate.wait()


async def crowd_of_tasks(started):
    global gate, tasks
    gate = asyncio.Event()
    tasks = [asyncio.create_task(wait_at_gate(gate), name="gate-%d" % i) for i in range(CROWD)]
    await asyncio.sleep(0.1)
    started.set()
    await asyncio.Event().wait()


if GEVENT:
    green_gate = gevent.event.Event()
    greenlets = [gevent.spawn(green_gate.wait) for _ in range(CROWD)]
    gevent.sleep(0.2)
else:
    import _thread
    threading.stack_size(256 * 1024)
    # started without threading.Thread's start handshake (a few ms each on a loaded machine): OS threads
    # running Python, as a C extension's or an embedding application's threads are
    for i in range(CROWD):
        _thread.start_new_thread(wait_in_crowd, ())
    while waiting < CROWD:
        time.sleep(0.05)
    started = threading.Event()
    threading.Thread(target=lambda: asyncio.run(crowd_of_tasks(started)), name="crowd-loop", daemon=True).start()
    started.wait()
print("ready pid=%d" % os.getpid(), flush=True)
while True:
    time.sleep(0.05)
