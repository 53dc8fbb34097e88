# thaw scenario py-thread-died-silently (sample-deadlock-app)
# A batch job computes per-region totals on worker threads and a collector waits for one result per
# region. The program replaced threading.excepthook with a silent one ("to keep the logs clean"). One
# worker divides by zero before putting its result and dies: no traceback anywhere, and the collector
# waits forever in results.get() for the result that never comes. A heartbeat thread keeps ticking.
# Deterministic: the pid line is printed once the dead worker has ended and the collector is parked.
import os
import queue
import sys
import threading
import time

threading.excepthook = lambda args: None   # "keep the logs clean": swallows every thread's exception

REGIONS = {"north": [3, 4], "south": [], "east": [5]}
results = queue.Queue()
workers = []


def region_total(region, values):
    average = sum(values) / len(values)    # ZeroDivisionError for an empty region
    results.put((region, average))


def collect_totals():
    totals = {}
    for _ in REGIONS:
        region, value = results.get()      # no timeout: waits for every region, one never comes
        totals[region] = value
    print("totals", totals)


def heartbeat():
    while True:
        time.sleep(0.2)


threading.Thread(target=heartbeat, name="heartbeat", daemon=True).start()
for name, values in REGIONS.items():
    t = threading.Thread(target=region_total, args=(name, values), name="total-" + name)
    workers.append(t)
    t.start()
collector = threading.Thread(target=collect_totals, name="collector")
collector.start()


# --- scenario harness: announce the pid once the workers ended and the collector waits -------------
def _parked():
    f = sys._current_frames().get(collector.ident)
    names = []
    while f is not None:
        names.append(f.f_code.co_name)
        f = f.f_back
    return "get" in names and all(not w.is_alive() for w in workers) and results.qsize() == 0


_stable = 0
while _stable < 3:
    _stable = _stable + 1 if _parked() else 0
    threading.Event().wait(0.02)
print(f"pid={os.getpid()} scenario=py-thread-died-silently", flush=True)
collector.join()
