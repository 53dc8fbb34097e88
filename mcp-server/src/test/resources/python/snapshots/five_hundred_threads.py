# 500 threads: 450 at seven shared depths, 50 each at a depth of its own; the main thread waits.
import threading
ev = threading.Event()
def rec(n):
    if n == 0:
        ev.wait()
        return
    rec(n - 1)
for i in range(500):
    threading.Thread(target=rec, args=(i % 7 if i < 450 else i,), daemon=True).start()
import time; time.sleep(0.5)
print('ready', flush=True)
ev.wait()
