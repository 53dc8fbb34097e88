# 500 threads waiting on one event, and the main thread.
import threading
ev = threading.Event()
def work(i): ev.wait()
for i in range(500):
    threading.Thread(target=work, args=(i,), daemon=True).start()
_thaw_truth(1.0)
ev.wait()
