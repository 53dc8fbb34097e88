# A 300-thread Python service at rest, the shape of a real worker process: a pool of workers
# waiting on a shared queue, per-connection threads each waiting on its own event, timed poll loops,
# and two threads in a lock-ordering deadlock. Prints READY once every thread is in place.
import queue
import sys
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
jobs = queue.Queue()
started = threading.Barrier(N + 1)


def worker():
    started.wait()
    jobs.get()


def connection(event):
    started.wait()
    event.wait()


def poller():
    started.wait()
    while True:
        time.sleep(0.5)


a = threading.Lock()
b = threading.Lock()


def transfer():
    with a:
        started.wait()
        time.sleep(0.2)
        with b:
            pass


def audit():
    with b:
        started.wait()
        time.sleep(0.2)
        with a:
            pass


threading.Thread(target=transfer, name="transfer", daemon=True).start()
threading.Thread(target=audit, name="audit", daemon=True).start()
rest = N - 2
for i in range(rest // 2):
    threading.Thread(target=worker, name=f"worker-{i}", daemon=True).start()
for i in range(rest // 3):
    threading.Thread(target=connection, args=(threading.Event(),), name=f"conn-{i}", daemon=True).start()
for i in range(rest - rest // 2 - rest // 3):
    threading.Thread(target=poller, name=f"poll-{i}", daemon=True).start()
started.wait()
time.sleep(0.5)
print("READY", flush=True)
threading.Event().wait()
