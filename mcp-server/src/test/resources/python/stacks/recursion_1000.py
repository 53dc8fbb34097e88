# The main thread 1001 frames of rec() deep, waiting on an event.
import sys, threading
sys.setrecursionlimit(5000)
ev = threading.Event()
def rec(n):
    if n == 0:
        _thaw_truth()
        ev.wait()
        return
    rec(n - 1)
rec(1000)
