# Catalog target: the same primitives as verdict_hangs.py used correctly, waited on while the work is
# still going on; no verdict may fire. Prints "ready pid=N" once every waiter waits.
#   a condition waited on in a predicate loop, with a live notifier that will change the state
#   an event a live thread will set; a semaphore whose holder is still working (sleeping)
#   a queue join whose live consumer holds an item; an asyncio join whose consumer task is alive
#   a child process whose output is read through communicate()
import asyncio
import os
import queue
import subprocess
import sys
import threading
import time

state_changed = threading.Condition()
ready = False
go = threading.Event()
slots = threading.Semaphore(1)
work = queue.Queue()
release = threading.Event()


def releaser():
    time.sleep(3600)                      # a scheduled release, an hour away: alive all along
    release.set()


def heartbeat():
    while True:
        time.sleep(0.1)                   # ticks: the process reaches safe points (injectable)


def waiter():
    with state_changed:
        while not ready:
            state_changed.wait()


def notifier():
    global ready
    release.wait()
    with state_changed:
        ready = True
        state_changed.notify_all()


def event_setter():
    release.wait()
    go.set()


def slot_holder():
    with slots:
        release.wait()


def slot_waiter():
    with slots:
        pass


def consumer():
    while True:
        item = work.get()
        release.wait()                    # holds the item until released
        work.task_done()


events = None


async def consume():
    while True:
        await events.get()
        await asyncio.sleep(3600)         # a slow consumer, alive, holding its item
        events.task_done()


async def main():
    global events
    events = asyncio.Queue()
    events.put_nowait("x")
    keep = asyncio.create_task(consume(), name="slow-consumer")
    await asyncio.sleep(0.01)
    await events.join()
    await keep


def child():
    # writes for as long as someone reads (and dies of EPIPE with its parent)
    p = subprocess.Popen([sys.executable, "-c", "import sys, time\nwhile True:\n sys.stdout.write('x' * 70000)\n "
                          "sys.stdout.flush()\n time.sleep(0.05)"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    p.communicate()


def thread(fn, name):
    t = threading.Thread(target=fn, name=name, daemon=True)
    t.start()
    return t


for fn in (heartbeat, releaser, waiter, notifier, event_setter, slot_holder, consumer, child):
    thread(fn, fn.__name__)
time.sleep(0.1)
thread(slot_waiter, "slot_waiter")
thread(go.wait, "go-waiter")
work.put(1)
thread(work.join, "joiner")
thread(lambda: asyncio.run(main()), "event-loop")
time.sleep(0.5)
print("ready pid=%d" % os.getpid(), flush=True)
release.wait()
