# A gevent program whose hub thread freezes: greenlet "blocker" takes a real (unpatched) lock held by
# the suspended greenlet "holder", so the hub's OS thread blocks in a futex wait and no greenlet can
# ever run again. Before blocking, blocker prints gevent's own view of every greenlet
# (gevent.util.format_run_info) as JSON on stdout: the oracle the test compares thaw's snapshot with.
# A second OS thread runs its own hub with one greenlet, so greenlets must land on the right thread.
import _thread
import json
import threading

import gevent
import gevent.event
import gevent.util
import greenlet

lock = _thread.allocate_lock()  # a real lock: gevent.monkey is not applied
never = gevent.event.Event()


def hold_lock():
    lock.acquire()
    never.wait()  # THAW-MARK holder-suspended


def holder():
    hold_lock()


def idle(n):
    gevent.sleep(1000 + n)  # THAW-MARK idle-sleeps


def raw_inner(back):
    back.switch()  # THAW-MARK raw-suspended


def raw_run(back):
    raw_inner(back)


def other_thread_worker():
    gevent.sleep(1000)  # THAW-MARK other-thread-sleeps


def other_thread():
    gevent.joinall([gevent.spawn(other_thread_worker)])


def blocker():
    gevent.sleep(0.3)
    print(json.dumps({"run_info": gevent.util.format_run_info(),
                      "me": hex(id(gevent.getcurrent())),
                      "holder": hex(id(holding)),
                      "hub": hex(id(gevent.get_hub())),
                      "raw": hex(id(raw))}), flush=True)
    lock.acquire()  # THAW-MARK blocker-acquires


threading.Thread(target=other_thread, name="other-hub", daemon=True).start()
raw = greenlet.greenlet(raw_run)
raw.switch(greenlet.getcurrent())
holding = gevent.spawn(holder)
named = gevent.spawn(idle, 1)
named.name = "named-idler"
idlers = [gevent.spawn(idle, n) for n in range(2, 4)]
gevent.joinall([gevent.spawn(blocker), holding])
