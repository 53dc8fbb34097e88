# thaw scenario py-lock-ordering (sample-deadlock-app)
# Two threads take two locks in opposite order: each holds one and waits forever for the other.
# Deterministic: a barrier makes both hold their first lock before either tries the second; the pid
# line is printed once both workers are seen parked on their second lock.
import os
import sys
import threading

accounts_lock = threading.Lock()
ledger_lock = threading.Lock()
both_hold_first = threading.Barrier(2)


def transfer():
    with accounts_lock:
        both_hold_first.wait()
        with ledger_lock:
            print("transfer done")  # never reached


def audit():
    with ledger_lock:
        both_hold_first.wait()
        with accounts_lock:
            print("audit done")  # never reached


workers = [threading.Thread(target=transfer, name="transfer-worker"),
           threading.Thread(target=audit, name="audit-worker")]
for w in workers:
    w.start()


# --- scenario harness: announce the pid once both workers are parked in their second `with` ---------
def _parked(thread, function):
    frame = sys._current_frames().get(thread.ident)  # the lock acquire is C: the worker's own frame is on top
    return frame is not None and frame.f_code is function.__code__


_stable = 0
while _stable < 3:
    _stable = _stable + 1 if _parked(workers[0], transfer) and _parked(workers[1], audit) else 0
    threading.Event().wait(0.01)
print(f"pid={os.getpid()} scenario=py-lock-ordering", flush=True)
# The main thread joins the workers: it waits forever too, blocked in C with no timeout.
for t in threading.enumerate():
    if t is not threading.current_thread():
        t.join()
