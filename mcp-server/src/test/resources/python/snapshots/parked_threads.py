# argv[1] threads, each recursing argv[2] frames deep and then waiting on an event (blocked in C,
# futex); the main thread waits too. Prints "ready" when all are parked.
import sys, threading, time
threads, depth = int(sys.argv[1]), int(sys.argv[2])
ev = threading.Event()
started = threading.Barrier(threads + 1)
def rec(n):
    if n == 0:
        started.wait()
        ev.wait()
        return
    rec(n - 1)
for i in range(threads):
    threading.Thread(target=rec, args=(depth,), name=f'worker-{i}', daemon=True).start()
started.wait()
time.sleep(0.2)
print('ready', flush=True)
ev.wait()
