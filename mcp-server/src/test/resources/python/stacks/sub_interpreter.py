# A live sub-interpreter next to the main one; both threads run in the main interpreter.
from concurrent import interpreters
import threading
interp = interpreters.create()
interp.exec('x = 1')
ev = threading.Event()
def worker(): ev.wait()
threading.Thread(target=worker, name='worker', daemon=True).start()
_thaw_truth()
ev.wait()
