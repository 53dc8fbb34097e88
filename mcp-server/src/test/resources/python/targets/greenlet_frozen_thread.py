# Plain greenlets (no gevent) on two OS threads; the main thread then blocks in C inside a
# greenlet ("blocked") on a real lock held by the suspended greenlet "holder". Before blocking it
# prints what greenlet itself says about every greenlet (gc.get_objects(): id, gr_frame chain,
# whether it is the main greenlet) as one JSON line: the oracle the test compares thaw's snapshot with.
import gc
import json
import threading

import greenlet

lock = threading.Lock()
parked = threading.Event()


def frames(g):
    out = []
    f = g.gr_frame
    while f is not None:
        out.append(f"{f.f_code.co_qualname}:{f.f_lineno}")
        f = f.f_back
    return out


def hold(back):
    lock.acquire()
    back.switch()  # THAW-MARK holder-suspended


def holder_run(back):
    hold(back)


def sub_run(back):
    back.switch()  # THAW-MARK sub-suspended


def in_thread():
    g = greenlet.greenlet(sub_run)
    g.switch(greenlet.getcurrent())
    parked.set()
    threading.Event().wait()  # THAW-MARK thread-waits


def blocked_run():
    report = []
    for o in gc.get_objects():
        if isinstance(o, greenlet.greenlet) and not o.dead and o is not greenlet.getcurrent():
            report.append({"id": hex(id(o)), "frames": frames(o) if o.gr_frame is not None else [],
                           "main": o.parent is None})
    print(json.dumps({"greenlets": report, "blocked": hex(id(greenlet.getcurrent())),
                      "holder": hex(id(holder)), "unstarted": hex(id(unstarted))}), flush=True)
    lock.acquire()  # THAW-MARK blocked-acquires


threading.Thread(target=in_thread, name="greenlet-thread", daemon=True).start()
parked.wait()
holder = greenlet.greenlet(holder_run)
holder.switch(greenlet.getcurrent())
unstarted = greenlet.greenlet(sub_run)
greenlet.greenlet(blocked_run).switch()
