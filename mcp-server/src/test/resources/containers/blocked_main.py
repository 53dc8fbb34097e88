# A container target: the main thread waits forever on a lock (as in a real hang), while a worker
# thread sleeps in short slices, so an injected script has a thread that can run it.
import threading
import time

lock = threading.Lock()
lock.acquire()


def heartbeat():
    while True:
        time.sleep(0.02)


threading.Thread(target=heartbeat, name="heartbeat", daemon=True).start()
print("ready", flush=True)
lock.acquire()  # marker: main-blocked
