# thaw scenario py-rlock-ordering (sample-deadlock-app)
# Two threads take two re-entrant locks (threading.RLock) in opposite order: each holds one and waits
# forever for the other. An RLock records its owner, so the cycle can be read from memory alone.
# Deterministic: a barrier makes both hold their first lock before either tries the second; the pid
# line is printed once both workers are seen parked on their second lock.
import os
import sys
import threading

stock_lock = threading.RLock()
invoice_lock = threading.RLock()
both_hold_first = threading.Barrier(2)


def restock():
    with stock_lock:
        both_hold_first.wait()
        with invoice_lock:
            print("restock done")  # never reached


def bill():
    with invoice_lock:
        both_hold_first.wait()
        with stock_lock:
            print("billing done")  # never reached


workers = [threading.Thread(target=restock, name="restock-worker"),
           threading.Thread(target=bill, name="billing-worker")]
for w in workers:
    w.start()


# --- scenario harness: announce the pid once both workers are parked in their second `with` ---------
def _parked(thread, function):
    frame = sys._current_frames().get(thread.ident)  # the lock acquire is C: the worker's own frame is on top
    return frame is not None and frame.f_code is function.__code__ and frame.f_lineno > function.__code__.co_firstlineno + 2


_stable = 0
while _stable < 3:
    _stable = _stable + 1 if _parked(workers[0], restock) and _parked(workers[1], bill) else 0
    threading.Event().wait(0.01)
print(f"pid={os.getpid()} scenario=py-rlock-ordering", flush=True)
# The main thread joins the workers: it waits forever too, blocked in C with no timeout.
for t in threading.enumerate():
    if t is not threading.current_thread():
        t.join()
