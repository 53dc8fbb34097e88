# thaw scenario py-lock-ordering (sample-deadlock-app)
# Two threads take two locks in opposite order: each holds one and waits forever for the other.
# Deterministic: a barrier makes both hold their first lock before either tries the second.
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


threading.Thread(target=transfer, name="transfer-worker").start()
threading.Thread(target=audit, name="audit-worker").start()
print(f"pid={os.getpid()} scenario=py-lock-ordering", flush=True)
# The main thread joins the workers: it waits forever too, blocked in C with no timeout.
for t in threading.enumerate():
    if t is not threading.current_thread():
        t.join()
