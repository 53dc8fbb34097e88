# Real objects for the probe kit's functions (PythonKitTest), then every kit function on them; prints
# what they answer and the verdicts. Run with `python -c` after thaw_kit's line.
import asyncio
import os
import queue
import socket
import subprocess
import sys
import threading
import time

out = sys.stdout
cond = threading.Condition()
ev = threading.Event()
q = queue.Queue()
sem = threading.Semaphore(0)
lk = threading.Lock()
lk.acquire()
started = threading.Event()


def cond_waiter():
    with cond:
        started.set()
        cond.wait()


waiter_thread = threading.Thread(target=cond_waiter, name="cond-waiter", daemon=True)
waiter_thread.start()
started.wait()
quick = threading.Thread(target=lambda: None, name="quick")
quick.start()
quick.join()
for i in range(3):
    q.put(i)
q.get()
child = subprocess.Popen(["sleep", "30"], stdout=subprocess.PIPE)
sock = socket.socket()
fh = open("/etc/hostname")


class Loud:
    def __repr__(self):
        raise RuntimeError("broken repr")


class Sly:
    def __getattr__(self, name):
        raise RuntimeError("broken getattr " + name)

    def __eq__(self, other):
        raise RuntimeError("broken eq")

    __hash__ = object.__hash__


async def boom():
    raise KeyError("lost")


loop = asyncio.new_event_loop()
aq = asyncio.Queue()
aq.put_nowait("x")
task = loop.create_task(boom(), name="boom-task")
loop.run_until_complete(asyncio.sleep(0.01))
kept = [task]
while waiter_thread.is_alive() and not any(
        f.f_code.co_name == "wait" for f in [sys._current_frames().get(waiter_thread.ident)] if f):
    time.sleep(0.01)
time.sleep(0.1)

for o in (cond, ev, q, sem, lk, waiter_thread, quick, child, sock, fh, aq, task, Loud(), Sly(), None, 7, "text"):
    print(thaw_kit.describe(o))
for o in (Loud(), Sly(), None, 3, cond_waiter, waiter_thread, task):
    thaw_kit.source(o, 1)
    thaw_kit.referrers(o, 2)
    thaw_kit.waiting_on(o)
    thaw_kit.live_users(o)
    thaw_kit.name(o)
    thaw_kit.entering_with(o)
    thaw_kit.line_objects(o)
for t in thaw_kit.threads():
    w = thaw_kit.waiting_on(t)
    if w is not None:
        print("waiting_on %s: %s %s from %s" % (t.name, w[0], "`%s`" % thaw_kit.name(w[1]), w[2].f_code.co_name))
        print("in_loop: %s" % thaw_kit.in_loop(w[2]))
print("entering_with here: %s" % (thaw_kit.entering_with(sys._getframe()),))
print("line_objects here: %s" % [t for t, v, m in thaw_kit.line_objects(sys._getframe())])
print("referrers task: %s" % "; ".join(x.strip() for x in thaw_kit.referrers(task, 2)))
print("live_users cond: %s" % thaw_kit.live_users(cond, skip=[waiter_thread.ident]))
print("raised at %s" % thaw_kit.exception_site(task._exception))
print("tasks: %d, threads named: %s" % (len(thaw_kit.tasks()), ", ".join(
    t.name for t in thaw_kit.threads() if t.thread is not None and t.name != "MainThread")))
thaw_kit.judge(thaw_kit.thread_waits())
thaw_kit.judge_exceptions()
thaw_kit.report(out)
child.kill()
child.wait()
os._exit(0)
