# Healthy: a service whose main thread ticks in a sleep loop while its background threads wait without a
# timeout for a shutdown Event (set by a SIGTERM handler) and for jobs on a queue (fed by a SIGUSR1
# handler). From outside this is the very shape of a lost wake-up with no joining thread (workers parked
# forever on an Event/Condition nobody sets, main sleeping): nothing in a snapshot tells the two apart,
# so no finding may fire here.
import queue
import signal
import threading
import time

stop = threading.Event()
jobs = queue.Queue()


def flush_metrics_on_shutdown():
    stop.wait()  # until SIGTERM


def consume_jobs():
    while True:
        jobs.get()  # until SIGUSR1 enqueues one


signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGUSR1, lambda *_: jobs.put("reload"))
threading.Thread(target=flush_metrics_on_shutdown, name="metrics-flusher", daemon=True).start()
threading.Thread(target=consume_jobs, name="job-consumer", daemon=True).start()
print("READY", flush=True)
while not stop.is_set():
    time.sleep(0.2)  # housekeeping tick
