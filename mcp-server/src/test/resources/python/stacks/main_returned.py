# The main module returns while a non-daemon worker waits: the main thread sits in
# threading._shutdown and the interpreter's threads.main is NULL.
import threading
ev = threading.Event()
def worker(): ev.wait()
threading.Thread(target=worker, name='worker').start()
_thaw_truth(0.6)
