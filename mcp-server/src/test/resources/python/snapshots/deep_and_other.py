# A thread "deep" 101 frames of rec() down, one "other" waiting, the main thread waiting.
import threading
ev = threading.Event()
def rec(n):
    if n == 0:
        ev.wait()
        return
    rec(n - 1)
threading.Thread(target=rec, args=(100,), name='deep', daemon=True).start()
threading.Thread(target=ev.wait, name='other', daemon=True).start()
print('ready', flush=True)
ev.wait()
